export {
  ConnectionSecrets,
  ProfileError,
  loadProfile,
  parseProfile,
  profilePathFromArgv,
  resolveSecrets,
  toConnectionSettings,
  type Profile,
  type ProfileConnection,
  type ResolvedConnection,
  type SecretSource,
} from './profile';
export { ENV_VARIABLE, profileFromEnv } from './environment';
