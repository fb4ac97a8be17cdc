/**
 * Normalisation and rules for the text users type in. Only spaces are trimmed: a CR, LF or other
 * control character anywhere is refused by validation rather than silently dropped.
 */
const trimSpaces = (value: string): string => value.replace(/^ +| +$/g, '');

/**
 * Trimmed, NFKC, lower-case: the form emails are stored, compared and made unique in. NFKC folds
 * compatibility-equivalent copies (fullwidth `ｎｅｗｂｉｅ@…`, ligatures, letterlike symbols) into
 * one address, so none of them can hold a second account; NFKC runs again after lower-casing
 * because case mapping can leave a string that is no longer normalised.
 */
export const normaliseEmail = (value: string): string =>
  trimSpaces(value).normalize('NFKC').toLowerCase().normalize('NFKC');

export const normaliseName = (value: string): string => trimSpaces(value).normalize('NFC');

/** NFC so that a password typed as composed or decomposed characters hashes the same. */
export const normalisePassword = (value: string): string => value.normalize('NFC');

/** As validated for typed-in names (auth-requests.dto.ts). */
export const NAME_MAX_LENGTH = 100;

/**
 * Characters a display name may not contain: controls, lone surrogates, line and paragraph
 * separators, and bidirectional controls such as U+202E, which can make a name display as
 * something else.
 */
export const NAME_FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
