import type { ZipEntrySpec } from './zip-builder';

/**
 * A Google Takeout of YouTube as Takeout lays it out (platform-facts.md §6.5): `Takeout/YouTube and
 * YouTube Music/` with the history as JSON (beside a page of its HTML rendering) or, Takeout's default,
 * as HTML alone, the CSVs, and an upload named by its title. German exports translate folder and file
 * names (`YouTube und YouTube Music/Verlauf/Wiedergabeverlauf.json`, `Abos/Abos.csv`,
 * `Kommentare/Kommentare.csv`), the history's phrasing (`<title> angesehen`) and its dates.
 */
export const TAKEOUT_CHANNEL = { id: 'UCowner0000000000000000a', title: 'Ada Uploads' };
export const WATCHED = [
  { videoId: 'dQw4w9WgXcQ', title: 'Never Gonna Give You Up', channelId: 'UCuAXFkgsw1L7xaCfnd5JJOw', channel: 'Rick Astley', time: '2024-03-01T20:15:30.123Z' },
  { videoId: 'jNQXAC9IVRw', title: 'Me at the zoo', channelId: 'UC4QobU6STFB0P71PMvOGN5A', channel: 'jawed', time: '2024-02-28T08:00:00.000Z' },
];
export const UPLOAD = { id: 'upl0adVid01', title: 'My first upload: a "test"', bytes: 'fake-mp4-bytes-of-the-upload' };
export const PLAYLIST = { id: 'PLtakeout000000000000000000000001', title: 'Cooking' };

type Language = 'en' | 'de';

/**
 * The dates of the HTML history as Takeout writes them, in the account's zone, beside what they are in
 * UTC; the last is in a zone no one can read, so its entry is exported without a time.
 */
export const HTML_HISTORY_DATES: Record<Language, { watched: string[]; removed: string; unreadable: string; searched: string }> = {
  en: { watched: ['Mar 1, 2024, 12:15:30\u202fPM PST', 'Feb 28, 2024, 8:00:00\u202fAM UTC'], removed: 'Dec 24, 2023, 12:00:00\u202fPM GMT', unreadable: 'Dec 23, 2023, 1:00:00\u202fPM XYZT', searched: 'Mar 1, 2024, 12:10:00\u202fPM PST' },
  de: { watched: ['01.03.2024, 21:15:30 MEZ', '28.02.2024, 09:00:00 MEZ'], removed: '24.12.2023, 13:00:00 MEZ', unreadable: '23.12.2023, 14:00:00 XYZT', searched: '01.03.2024, 21:10:00 MEZ' },
};
export const HTML_HISTORY_UTC = { watched: ['2024-03-01T20:15:30.000Z', '2024-02-28T08:00:00.000Z'], removed: '2023-12-24T12:00:00.000Z', searched: '2024-03-01T20:10:00.000Z' };

const NAMES: Record<Language, { folder: string; watch: string; search: string; subscriptions: string; comments: string; playlists: string; phrase: (title: string) => string; searched: (query: string) => string }> = {
  en: {
    folder: 'YouTube and YouTube Music',
    watch: 'history/watch-history',
    search: 'history/search-history',
    subscriptions: 'subscriptions/subscriptions.csv',
    comments: 'comments/comments.csv',
    playlists: 'playlists',
    phrase: (title) => `Watched ${title}`,
    searched: (query) => `Searched for ${query}`,
  },
  de: {
    folder: 'YouTube und YouTube Music',
    watch: 'Verlauf/Wiedergabeverlauf',
    search: 'Verlauf/Suchverlauf',
    subscriptions: 'Abos/Abos.csv',
    comments: 'Kommentare/Kommentare.csv',
    playlists: 'Playlists',
    phrase: (title) => `${title} angesehen`,
    searched: (query) => `„${query}“ gesucht`,
  },
};

function csv(rows: string[][]): string {
  const field = (value: string): string => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** One entry of Takeout's HTML history: the action with its link, the channel's link, the date. */
function htmlCell(lines: string[]): string {
  return (
    '<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid">' +
    '<div class="header-cell mdl-cell mdl-cell--12-col"><p class="mdl-typography--title">YouTube<br></p></div>' +
    `<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">${lines.map((line) => `${line}<br>`).join('')}</div>` +
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 mdl-typography--text-right"></div>' +
    '<div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption"><b>Products:</b><br>&emsp;YouTube<br><b>Why is this here?</b><br>&emsp;This activity was saved to your Google Account<br></div>' +
    '</div></div>'
  );
}

const htmlPage = (cells: string[]): string =>
  `<html><head><meta charset="UTF-8"><title>History</title></head><body><div class="mdl-grid">${cells.join('\n')}</div></body></html>`;

function htmlHistory(language: Language): { watch: string; search: string } {
  const dates = HTML_HISTORY_DATES[language];
  const link = (url: string, text: string): string => `<a href="${url}">${text.replace(/&/g, '&amp;')}</a>`;
  const watched = (title: string): string => (language === 'en' ? `Watched&nbsp;${title}` : `${title}&nbsp;angesehen`);
  const cells = WATCHED.map((video, index) =>
    htmlCell([watched(link(`https://www.youtube.com/watch?v=${video.videoId}`, video.title)), link(`https://www.youtube.com/channel/${video.channelId}`, video.channel), dates.watched[index]]),
  );
  // A video deleted since it was watched keeps only its link as its title; one date is in a zone no one can read.
  cells.push(htmlCell([watched('https://www.youtube.com/watch?v=removed0001'), dates.removed]));
  cells.push(htmlCell([watched(link(`https://www.youtube.com/watch?v=${WATCHED[0].videoId}`, WATCHED[0].title)), link(`https://www.youtube.com/channel/${WATCHED[0].channelId}`, WATCHED[0].channel), dates.unreadable]));
  const query = link('https://www.youtube.com/results?search_query=sourdough+starter', 'sourdough starter');
  const search = [htmlCell([language === 'en' ? `Searched for&nbsp;${query}` : `Gesucht nach&nbsp;${query}`, dates.searched])];
  return { watch: htmlPage(cells), search: htmlPage(search) };
}

/** `history: 'html'` writes the history as Takeout does by default: HTML only, no JSON. */
export function takeoutEntries(language: Language, options: { history?: 'json' | 'html' } = {}): ZipEntrySpec[] {
  const names = NAMES[language];
  const root = `Takeout/${names.folder}`;
  const watch = WATCHED.map((video) => ({
    header: 'YouTube',
    title: names.phrase(video.title),
    titleUrl: `https://www.youtube.com/watch?v=${video.videoId}`,
    subtitles: [{ name: video.channel, url: `https://www.youtube.com/channel/${video.channelId}` }],
    time: video.time,
    products: ['YouTube'],
    activityControls: ['YouTube watch history'],
  }));
  // A video deleted since it was watched keeps only its title in the history.
  watch.push({ header: 'YouTube', title: names.phrase('https://www.youtube.com/watch?v=removed0001'), titleUrl: '', subtitles: [], time: '2023-12-24T12:00:00Z', products: ['YouTube'], activityControls: [] });
  const search = [
    { header: 'YouTube', title: names.searched('sourdough starter'), titleUrl: 'https://www.youtube.com/results?search_query=sourdough+starter', time: '2024-03-01T20:10:00.000Z', products: ['YouTube'] },
  ];
  const html = htmlHistory(language);
  const history: ZipEntrySpec[] =
    options.history === 'html'
      ? [
          { name: `${root}/${names.watch}.html`, data: html.watch, deflate: true },
          { name: `${root}/${names.search}.html`, data: html.search, deflate: true },
        ]
      : [
          { name: `${root}/${names.watch}.json`, data: JSON.stringify(watch, null, 2), deflate: true },
          { name: `${root}/${names.watch}.html`, data: html.watch, deflate: true },
          { name: `${root}/${names.search}.json`, data: JSON.stringify(search), deflate: true },
        ];
  const entries: ZipEntrySpec[] = [
    { name: 'Takeout/archive_browser.html', data: '<html><body>Archive overview</body></html>' },
    ...history,
    {
      name: `${root}/${names.subscriptions}`,
      data: csv([
        ['Channel Id', 'Channel Url', 'Channel Title'],
        ['UCuAXFkgsw1L7xaCfnd5JJOw', 'http://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw', 'Rick Astley'],
        ['UC4QobU6STFB0P71PMvOGN5A', 'http://www.youtube.com/channel/UC4QobU6STFB0P71PMvOGN5A', 'jawed, the first'],
      ]),
    },
    {
      name: `${root}/${names.comments}`,
      data: csv([
        ['Comment ID', 'Channel ID', 'Comment Create Timestamp', 'Price', 'Parent Comment ID', 'Post ID', 'Video ID', 'Comment Text'],
        ['UgxCommentOne', TAKEOUT_CHANNEL.id, '2024-01-02T14:30:00+02:00', '', '', '', 'dQw4w9WgXcQ', '{"text":"Still a classic, "},{"text":"line two\\nhere"}'],
        ['UgxCommentTwo', TAKEOUT_CHANNEL.id, '2024-01-03T09:00:00+00:00', '', 'UgxParent', '', 'jNQXAC9IVRw', '{"text":"Agreed"}'],
      ]),
    },
    {
      name: `${root}/${names.playlists}/playlists.csv`,
      data: csv([
        ['Playlist ID', 'Add new videos to top', 'Playlist Title (Original)', 'Playlist Title (Original) Language', 'Playlist Create Timestamp', 'Playlist Update Timestamp', 'Playlist Video Order', 'Playlist Visibility'],
        [PLAYLIST.id, 'False', PLAYLIST.title, '', '2022-06-01T10:00:00+00:00', '2024-01-01T10:00:00+00:00', 'Manual', 'Public'],
      ]),
    },
    {
      name: `${root}/${names.playlists}/${PLAYLIST.title}-videos.csv`,
      data: csv([
        ['Video ID', 'Playlist Video Creation Timestamp'],
        ['dQw4w9WgXcQ', '2022-06-02T10:00:00+00:00'],
        ['jNQXAC9IVRw', '2022-06-03T10:00:00+00:00'],
      ]),
    },
  ];
  if (language === 'en') {
    entries.push(
      {
        name: `${root}/channels/channel.csv`,
        data: csv([
          ['Channel ID', 'Channel Title (Original)', 'Channel Visibility'],
          [TAKEOUT_CHANNEL.id, TAKEOUT_CHANNEL.title, 'Public'],
        ]),
      },
      {
        name: `${root}/video metadata/videos.csv`,
        data: csv([
          ['Video ID', 'Approx Duration (ms)', 'Video Audio Language', 'Video Category', 'Video Description (Original)', 'Channel ID', 'Video Title (Original)', 'Privacy', 'Video State', 'Video Create Timestamp', 'Video Publish Timestamp'],
          [UPLOAD.id, '61500', 'en', 'Education', 'How it started,\nin two lines', TAKEOUT_CHANNEL.id, UPLOAD.title, 'Public', 'Processed', '2021-05-01T09:00:00+00:00', '2021-05-01T10:00:00+00:00'],
        ]),
      },
      // Takeout names an upload's file by its title, with what file systems refuse replaced.
      { name: `${root}/videos/My first upload_ a _test_.mp4`, data: UPLOAD.bytes },
    );
  }
  return entries;
}
