/**
 * The alert chime, synthesized with Web Audio: no audio file to ship or to allow in the CSP.
 * Critical alerts play three rising tones, others one. A browser that blocks audio until the
 * first click stays silent rather than failing.
 */
import type { Alert } from '../../shared/stream';

let context: AudioContext | null = null;

export function playAlertSound(level: Alert['level']): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    const tones = level === 'critical' ? [660, 880, 1100] : level === 'warning' ? [880, 660] : [880];
    tones.forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      const start = ctx.currentTime + i * 0.18;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.17);
    });
  } catch {
    // No audio device or autoplay policy: the toast still shows.
  }
}
