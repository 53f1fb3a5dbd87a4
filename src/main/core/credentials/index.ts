export {
  DEFAULT_SERVICE,
  NO_SECRET_SERVICE_REASON,
  accountName,
  memoryVault,
  openVault,
  type CredentialVault,
  type OpenVaultOptions,
  type VaultBackend,
  type VaultLogger,
} from './vault';
