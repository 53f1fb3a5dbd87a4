/** Where secrets are kept, said plainly; a warning when that is memory only. */
import type { VaultInfo } from '../../shared/contract';

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
  return (
    <div className="cm-vault warn" role="alert" data-testid="vault-backend" data-backend="memory">
      <strong>Secrets are kept in memory for this session only.</strong>{' '}
      {vault.reason ?? 'No OS keychain is available.'} They are never written to disk and will have to be
      entered again after a restart.
    </div>
  );
}
