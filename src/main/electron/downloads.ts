/**
 * Downloads, deny by default: the page may save only what it made itself for the trader (the
 * journal's CSV exports, `blob:` URLs of our own origin, named `*.csv`), and only through the save
 * dialog. Anything else a page could start (a link to a remote file, a data: URL) is cancelled.
 * Free of Electron at run time (types only), so the policy is unit-tested with plain objects.
 */
import { isAppUrl, schemeOf } from './appOrigin';

/** What the page may download: a blob of our own origin with a CSV name. */
export function isAllowedDownload(url: string, filename: string): boolean {
  if (!url.startsWith('blob:')) return false;
  // A blob URL names the origin that made it: `blob:app://peregrine/<uuid>`.
  return isAppUrl(url.slice('blob:'.length)) && /^[\w .()-]{1,120}\.csv$/i.test(filename);
}

/** The parts of an Electron `DownloadItem` the policy touches (a real one is one). */
export interface DownloadLike {
  getURL(): string;
  getFilename(): string;
  setSaveDialogOptions(options: { title?: string; filters?: { name: string; extensions: string[] }[] }): void;
}

/** The parts of an Electron `Session` the policy sets (a real `Session` is one). */
export interface DownloadSession {
  on(
    event: 'will-download',
    listener: (event: { preventDefault(): void }, item: DownloadLike, webContents: unknown) => void,
  ): unknown;
}

/** Installs the policy; `refused` hears each cancelled download (its scheme only: a URL may carry a token). */
export function applyDownloadPolicy(
  session: DownloadSession,
  refused: (fields: { scheme: string }) => void = () => undefined,
): void {
  session.on('will-download', (event, item) => {
    if (!isAllowedDownload(item.getURL(), item.getFilename())) {
      refused({ scheme: schemeOf(item.getURL()) });
      event.preventDefault();
      return;
    }
    // The trader chooses where it goes: the save dialog, limited to CSV.
    item.setSaveDialogOptions({
      title: 'Save CSV export',
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    });
  });
}
