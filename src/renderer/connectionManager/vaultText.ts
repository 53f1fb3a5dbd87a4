/** The memory-vault banner's text, as sentences. */

const HEADLINE = 'Secrets are kept in memory for this session only.';
/** The vault's reason often ends by restating the headline; the banner says it once. */
const RESTATED = /[\s:;,.–—-]*secrets are kept in memory for (?:this|the) session only[\s.]*$/i;

/** "No Secret Service is running" → "No Secret Service is running." (one clause, full stop). */
export function vaultReasonSentence(reason: string | null): string {
  const text = (reason ?? '').replace(RESTATED, '').trim();
  if (text === '') return 'No OS keychain is available.';
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Headline, then the reason, then the consequence: three sentences, no clause repeated. */
export function memoryVaultNotice(reason: string | null): { headline: string; detail: string } {
  return {
    headline: HEADLINE,
    detail: `${vaultReasonSentence(reason)} They are never written to disk and will have to be entered again after a restart.`,
  };
}
