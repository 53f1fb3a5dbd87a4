/** Where secrets are kept, said plainly; a warning when that is memory only. */
import type { VaultInfo } from '../../shared/contract';
import { memoryVaultNotice } from './vaultText';

export function vaultPhrase(vault: VaultInfo): string {
  return vault.backend === 'keychain'
    ? 'stored in the OS keychain'
    : 'stored in memory for this session only';
}

export function VaultNotice({ vault }: { vault: VaultInfo }) {
  if (vault.backend === 'keychain')
    return (
      <span className="cm-vault ok" data-testid="vault-backend" data-backend="keychain">
        Secrets: OS keychain
      </span>
    );
  const notice = memoryVaultNotice(vault.reason);
  return (
    <div className="cm-vault warn" role="alert" data-testid="vault-backend" data-backend="memory">
      <strong>{notice.headline}</strong> {notice.detail}
    </div>
  );
}
