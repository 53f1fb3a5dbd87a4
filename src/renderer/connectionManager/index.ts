export { ConnectionDialogHost } from './ConnectionDialog';
export { ConnectionSettingsBar } from './ConnectionSettingsBar';
export { ConnectionSettingsProvider, useConnectionSettings } from './ConnectionSettingsContext';
export { riskiestMode, useModeTitle, windowTitle } from './mode';
export { SettingsProblems } from './SettingsProblems';
