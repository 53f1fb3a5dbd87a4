/** Downloads: only the page's own CSV exports, through the save dialog; everything else cancelled. */
import { describe, expect, it } from 'vitest';
import {
  applyDownloadPolicy,
  type DownloadLike,
  type DownloadSession,
  isAllowedDownload,
} from '../../../src/main/electron/downloads';

function installed() {
  let listener: Parameters<DownloadSession['on']>[1] | undefined;
  const refused: { scheme: string }[] = [];
  applyDownloadPolicy({ on: (_event, l) => (listener = l) }, (f) => refused.push(f));
  const start = (url: string, filename: string) => {
    let prevented = false;
    let dialog: unknown;
    const item: DownloadLike = {
      getURL: () => url,
      getFilename: () => filename,
      setSaveDialogOptions: (o) => (dialog = o),
    };
    listener?.({ preventDefault: () => (prevented = true) }, item, {});
    return { prevented, dialog };
  };
  return { start, refused };
}

describe('download policy', () => {
  it("lets the journal's CSV export through the save dialog", () => {
    const { start, refused } = installed();
    const r = start(
      'blob:app://peregrine/6f1c2d3e-aaaa-bbbb-cccc-000000000000',
      'peregrine-trades-2026-12-02.csv',
    );
    expect(r.prevented).toBe(false);
    expect(r.dialog).toMatchObject({ filters: [{ extensions: ['csv'] }] });
    expect(refused).toEqual([]);
  });

  it('cancels anything else a page could start', () => {
    const { start, refused } = installed();
    const attempts: [string, string][] = [
      ['https://example.com/payload.csv', 'payload.csv'],
      ['blob:https://example.com/1234', 'x.csv'],
      ['data:text/csv,a,b', 'x.csv'],
      ['blob:app://peregrine/1234', 'run.exe'],
      ['blob:app://peregrine/1234', '../../x.csv'],
    ];
    for (const [url, name] of attempts) expect(start(url, name).prevented, `${url} ${name}`).toBe(true);
    expect(refused.map((f) => f.scheme)).toEqual(['https:', 'blob:', 'data:', 'blob:', 'blob:']);
    expect(isAllowedDownload('blob:app://peregrine/1', 'trades.csv')).toBe(true);
  });
});
