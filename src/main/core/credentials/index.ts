export {
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE,
  NO_SECRET_SERVICE_REASON,
  SecretOriginError,
  accountName,
  installationId,
  memoryVault,
  openVault,
  type CredentialVault,
  type OpenVaultOptions,
  type VaultBackend,
  type VaultLogger,
} from './vault';
export { originOf, originsOf, originsOutside } from './origin';
export {
  MAX_SECRET_CHARS,
  REDACTED,
  forgetSecret,
  isSecretLikeName,
  redactKnownSecrets,
  redactOptional,
  redactText,
  registerSecret,
} from './redaction';
