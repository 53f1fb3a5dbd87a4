export {
  ensurePrivateDir,
  openSettings,
  SettingsValidationError,
  type CreateSettingsStore,
  type OpenSettingsOptions,
  type SettingsHandle,
  type SettingsLogger,
  type SettingsProblem,
  type SettingsProblemKind,
  type SettingsStore,
} from './settings';
export {
  ChartChoice,
  ConnectionSettings,
  SETTINGS_VERSION,
  SecretPresence,
  SettingsSchema,
  Watchlist,
  defaultSettings,
  isSecretLikeName,
  settingsJsonSchema,
  type Settings,
} from './schema';
export { migrateSettings, migrations, type Migration } from './migrations';
