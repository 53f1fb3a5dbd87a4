// Writes resources/tray-{ok,warning,alarm}-{16,32}.png: a filled disc in the state's colour with a
// dark ring, antialiased, so the tray shows the worst state at a glance. Run once after changing
// the colours: `node scripts/tray-icons.mjs`. No image library: a PNG is a zlib stream of rows.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const COLOURS = { ok: [38, 166, 154], warning: [224, 160, 48], alarm: [239, 83, 80] };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, [r, g, b]) {
  const rows = [];
  const c = (size - 1) / 2;
  const outer = size / 2 - 0.5;
  const ring = Math.max(1, size / 16);
  for (let y = 0; y < size; y++) {
    const row = [0]; // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, outer + 0.5 - d));
      const inRing = d > outer - ring;
      const [pr, pg, pb] = inRing ? [20, 22, 28] : [r, g, b];
      row.push(pr, pg, pb, Math.round(alpha * 255));
    }
    rows.push(Buffer.from(row));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [name, rgb] of Object.entries(COLOURS))
  for (const size of [16, 32])
    writeFileSync(new URL(`../resources/tray-${name}-${size}.png`, import.meta.url), png(size, rgb));
