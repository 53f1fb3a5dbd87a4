#!/usr/bin/env node
// Draws Peregrine's app and tray icon (an amber "P" with a falcon's wing stroke on a dark rounded
// square) and writes them to resources/ as PNGs: 16, 32 and 256 px for the window and tray at run
// time, and icon.png at 1024 px, from which electron-builder makes the .icns, .ico and Linux icon
// set of the installers. One drawing, so every icon matches. No dependencies: shapes are
// signed-distance tests, anti-aliased by 4×4 supersampling; PNG chunks use node:zlib.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
const SIZES = [16, 32, 256];
const INSTALLER_SIZE = 1024;
const SUPERSAMPLE = 4;
const BACKGROUND = [17, 24, 39];
const ACCENT = [245, 165, 36];

/** Colour at a point of the unit square, or null when transparent. */
function shade(x, y) {
  if (!insideRoundedSquare(x, y, 0.04, 0.2)) return null;
  return insideGlyph(x, y) ? ACCENT : BACKGROUND;
}

function insideRoundedSquare(x, y, inset, radius) {
  const cx = Math.min(Math.max(x, inset + radius), 1 - inset - radius);
  const cy = Math.min(Math.max(y, inset + radius), 1 - inset - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function insideGlyph(x, y) {
  const stem = x >= 0.28 && x <= 0.42 && y >= 0.2 && y <= 0.82;
  const topBar = x >= 0.28 && x <= 0.5 && y >= 0.2 && y <= 0.32;
  const midBar = x >= 0.28 && x <= 0.5 && y >= 0.46 && y <= 0.58;
  const r = Math.hypot(x - 0.5, y - 0.39);
  const bowl = x >= 0.5 && r <= 0.19 && r >= 0.07;
  // The wing: a swept stroke from the foot of the stem up to the right.
  const t = (x - 0.42) / (0.8 - 0.42);
  const wingCentre = 0.8 - t * 0.16;
  const wing = t >= 0 && t <= 1 && Math.abs(y - wingCentre) <= 0.05 * (1 - 0.6 * t);
  return stem || topBar || midBar || bowl || wing;
}

function render(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const colour = shade(
            (px + (sx + 0.5) / SUPERSAMPLE) / size,
            (py + (sy + 0.5) / SUPERSAMPLE) / size,
          );
          if (colour === null) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const i = (py * size + px) * 4;
      if (covered > 0) {
        rgba[i] = Math.round(r / covered);
        rgba[i + 1] = Math.round(g / covered);
        rgba[i + 2] = Math.round(b / covered);
      }
      rgba[i + 3] = Math.round((covered / n) * 255);
    }
  }
  return rgba;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // Each scanline is prefixed by filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of SIZES) {
  const file = join(outDir, `icon-${size}.png`);
  writeFileSync(file, encodePng(size, render(size)));
  console.log(`wrote ${file}`);
}
const installerIcon = join(outDir, 'icon.png');
writeFileSync(installerIcon, encodePng(INSTALLER_SIZE, render(INSTALLER_SIZE)));
console.log(`wrote ${installerIcon}`);
