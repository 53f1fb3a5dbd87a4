/**
 * The one way a link leaves the app: https only, to an allowlisted host (broker sites and our
 * project page). Everything else is refused and logged.
 */
import { shell } from 'electron';
import { openIfAllowed } from './linkAllowlist';

/** Opens `url` in the user's browser when allowlisted; returns whether it did. */
export function openExternal(url: string, warn: (message: string) => void): boolean {
  return openIfAllowed(url, (allowed) => void shell.openExternal(allowed), warn);
}
