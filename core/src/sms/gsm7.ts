// GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table.

/** The 128 characters of the basic table, in table order (0x1B, the escape, is left out). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Reached through the escape: each costs two septets. */
const EXTENSION = '\f^{}\\[~]|€';

// Built once at load: lookups are then one Map access per character.
const SEPTETS = new Map<number, 1 | 2>();
for (const ch of BASIC) SEPTETS.set(ch.codePointAt(0) as number, 1);
for (const ch of EXTENSION) SEPTETS.set(ch.codePointAt(0) as number, 2);

// Replies are nearly all ASCII: a flat table answers those without a Map lookup (this runs per webhook).
const ASCII_SEPTETS = new Uint8Array(128);
for (const [cp, septets] of SEPTETS) if (cp < 128) ASCII_SEPTETS[cp] = septets;

/** Septets a code point takes in GSM-7: 1, 2 (extension table), or 0 when GSM-7 cannot encode it. */
export function septetsOf(codePoint: number): 0 | 1 | 2 {
  if (codePoint < 128) return ASCII_SEPTETS[codePoint] as 0 | 1 | 2;
  return SEPTETS.get(codePoint) ?? 0;
}

/** Whether every character of `text` is in the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    // A surrogate is never GSM-7, so testing code units is exact.
    const c = text.charCodeAt(i);
    if (c < 128 ? ASCII_SEPTETS[c] === 0 : !SEPTETS.has(c)) return false;
  }
  return true;
}

/** True when `text` is ASCII that GSM-7 carries as it is (no carriage return): normalisation has nothing to do. */
export function isPlainGsmAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || c === 13 || ASCII_SEPTETS[c] === 0) return false;
  }
  return true;
}

/**
 * Septets `text` takes in GSM-7, extension characters counting two.
 * Meaningful when `isGsm7(text)`; a character outside the alphabet counts one (what it would cost sent as '?').
 */
export function septetLength(text: string): number {
  let septets = 0;
  for (const ch of text) septets += septetsOf(ch.codePointAt(0) as number) || 1;
  return septets;
}
