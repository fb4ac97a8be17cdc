import { Rng } from '../core/prng';

/**
 * Text that breaks naive code: quotes and commas for CSV, newlines and CRLF for headers and line
 * formats, HTML for viewers, path traversal and reserved device names for file names, bidi overrides,
 * NFD, emoji sequences, a NUL, spreadsheet formulas, mojibake. Real YouTube text contains all of these.
 */
export const HOSTILE_TITLES: readonly string[] = [
  '"Quoted" title, with commas, and \'apostrophes\'',
  '../../etc/passwd',
  '..\\..\\Windows\\System32\\config\\SAM',
  'a/../../b',
  '/absolute/path/video',
  'C:\\temp\\video',
  '<script>alert("xss")</script>',
  '<img src=x onerror=alert(1)>',
  'Line one\nLine two',
  'CRLF\r\nX-Injected-Header: yes',
  'Tab\tseparated\tvalues',
  '=HYPERLINK("http://evil.example/","click me")',
  '+1+1 and @SUM(A1:A9) and -2+3',
  '👩🏽‍💻 Emoji 🇺🇦 🏳️‍🌈 family 👨‍👩‍👧‍👦 done',
  'مرحبا بالعالم — أفضل فيديو',
  'שלום עולם (Hebrew) 123',
  '\u202Egnp.exe — right-to-left override',
  'Cafe\u0301 (NFD) vs Café (NFC)',
  'CON',
  'NUL',
  'name.',
  '  leading and trailing spaces  ',
  'NUL byte \u0000 inside',
  'Z̴̢̛a̷̜͝l̸̰̈g̵̦̈́o̶̥͆ text',
  '%2e%2e%2f encoded traversal',
  '{"json": "inside", "items": null}',
  'null',
  '[object Object]',
  'Ã©mojibake Ã¼ber Ã±',
  '$(rm -rf /); DROP TABLE videos;--',
  'Backslash \\ and \\" and \\u0041 literal',
  '日本語のタイトル、テスト。「引用」',
  'Ελληνικά και русский язык',
  'filename.mp4',
  '?*:|<>"\\/ all reserved',
];

const WORDS: readonly string[] = [
  'export', 'archive', 'sunset', 'river', 'mountain', 'coffee', 'review', 'tutorial', 'unboxing', 'travel',
  'vlog', 'music', 'piano', 'guitar', 'cooking', 'recipe', 'bread', 'garden', 'winter', 'summer',
  'city', 'night', 'timelapse', 'drone', 'cat', 'dog', 'family', 'update', 'live', 'stream',
  'über', 'naïve', 'café', 'jalapeño', 'façade', 'smörgåsbord', '東京', '서울', 'Москва', 'القاهرة',
  'ירושלים', 'Αθήνα', 'मुंबई', '🎸', '🚀', '🌈', '🔥', '😂', '🇧🇷', '👍🏾',
  'episode', 'part', 'final', 'cut', 'remastered', '4K', 'HDR', 'behind', 'scenes', 'Q&A',
];

const LINK_LINES: readonly string[] = [
  'https://example.com/watch?a=1&b=2#frag',
  'Chapters:\n0:00 Intro\n1:23 Main part\n10:00 Outro',
  '#hashtag #another_tag #日本',
  'Contact: someone@example.com',
  '<b>not bold</b> <a href="javascript:alert(1)">link</a>',
  'CSV,like,line,"with ""quotes"""',
  'Windows line\r\nendings\r\nhere',
  'Trailing backslash \\',
];

export function words(rng: Rng, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

/** Cuts to at most `max` code points without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}

/** A video or playlist title; YouTube allows at most 100 characters. */
export function title(rng: Rng, hostile: boolean, label: string): string {
  if (hostile && rng.chance(0.35)) {
    const base = rng.pick(HOSTILE_TITLES);
    return clip(rng.chance(0.5) ? base : `${label} ${base}`, 100);
  }
  const text = `${label}: ${words(rng, rng.between(2, 7))}`;
  return clip(rng.chance(0.05) ? `${text} ${'long'.repeat(30)}` : text, 100);
}

/**
 * A description of 0 to 5,000 characters (YouTube's limit), so items weigh roughly 1–5 KB as JSON.
 */
export function description(rng: Rng, hostile: boolean): string {
  const roll = rng.float();
  if (roll < 0.1) return '';
  const target = roll > 0.98 ? 5000 : rng.between(40, 2400);
  const lines: string[] = [];
  let length = 0;
  while (length < target) {
    const line = hostile && rng.chance(0.25) ? rng.pick(rng.chance(0.5) ? HOSTILE_TITLES : LINK_LINES) : capitalise(words(rng, rng.between(4, 16))) + '.';
    lines.push(line);
    length += line.length + 1;
  }
  return clip(lines.join(rng.chance(0.2) ? '\r\n' : '\n'), 5000);
}

/** Comment text: mostly short, sometimes up to YouTube's 10,000-character limit. */
export function commentText(rng: Rng, hostile: boolean): string {
  if (hostile && rng.chance(0.2)) return rng.pick(HOSTILE_TITLES);
  if (rng.chance(0.01)) return clip(`${words(rng, 8)} ${'Lorem ipsum dolor sit amet. '.repeat(400)}`, 10000);
  const text = capitalise(words(rng, rng.between(1, 30)));
  return rng.chance(0.15) ? `${text}\n${words(rng, 5)}` : text;
}

export function personName(rng: Rng): { given: string; family: string } {
  const given = ['Ana', 'Bilal', 'Chen', 'Dagný', 'Émile', 'Fatima', 'Gökhan', 'Hana', 'Ivan', 'Jürgen', 'Kwame', 'Łucja', 'Mateus', 'Nguyễn', 'O\'Brien', 'Priya', 'Zoë'];
  const family = ['Smith', 'García', 'Müller', 'Kowalski', 'Tanaka', 'Okafor', 'Dubois', 'Rossi', 'Öztürk', 'Nakamura', 'Ó Súilleabháin', 'van der Berg'];
  return { given: rng.pick(given), family: rng.pick(family) };
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Minimal HTML rendering of comment text, as YouTube's textDisplay with textFormat=html. */
export function commentHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r?\n/g, '<br>');
}
