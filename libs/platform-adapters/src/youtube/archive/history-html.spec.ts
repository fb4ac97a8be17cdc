import { Readable } from 'node:stream';
import { historyHtmlEntries } from './history-html';
import { historyHtmlDate } from './history-html-date';

describe("Takeout's HTML history", () => {
  it.each([
    ['Dec 6, 2026, 7:13:51 PM UTC', '2026-12-06T19:13:51.000Z'],
    ['Mar 1, 2024, 12:15:30\u202fPM PST', '2024-03-01T20:15:30.000Z'],
    ['Jul 4, 2024, 12:00:01 AM PDT', '2024-07-04T07:00:01.000Z'],
    ['6 Dec 2026, 19:13:51 GMT', '2026-12-06T19:13:51.000Z'],
    ['6 Jun 2026, 19:13:51 CEST', '2026-06-06T17:13:51.000Z'],
    ['06.12.2026, 19:13:51 MEZ', '2026-12-06T18:13:51.000Z'],
    ['06.06.2026, 19:13:51 MESZ', '2026-06-06T17:13:51.000Z'],
    ['6. Dez. 2026, 19:13:51 MEZ', '2026-12-06T18:13:51.000Z'],
    ['6 Dec 2026, 19:13:51 GMT+05:30', '2026-12-06T13:43:51.000Z'],
  ])('reads %s as %s', (written, iso) => {
    expect(historyHtmlDate(written)).toBe(iso);
  });

  it.each(['Dec 6, 2026, 7:13:51 PM XYZT', '31.02.2026, 19:13:51 MEZ', 'yesterday', 'Dec 6, 2026, 13:13:51 PM UTC'])('does not guess at %s', (written) => {
    expect(historyHtmlDate(written)).toBeNull();
  });

  it('reads entries whatever the chunking, a split marker included', async () => {
    const cell = (body: string): string =>
      `<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid"><div class="header-cell mdl-cell mdl-cell--12-col"><p class="mdl-typography--title">YouTube<br></p></div><div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">${body}</div><div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption"><b>Products:</b><br>&emsp;YouTube<br></div></div></div>`;
    const html = `<html><body><div class="mdl-grid">${cell('Watched&nbsp;<a href="https://www.youtube.com/watch?v=abc&amp;t=1">Fish &amp; Chips</a><br><a href="https://www.youtube.com/channel/UCx">Chef</a><br>Dec 6, 2026, 7:13:51 PM UTC<br>')}${cell('Watched a video that has been removed<br>sometime<br>')}</div></body></html>`;
    for (const size of [7, 64, 100_000]) {
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(html);
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const entries = [];
      for await (const entry of historyHtmlEntries(Readable.from(chunks))) entries.push(entry);
      expect(entries).toEqual([
        { header: 'YouTube', title: 'Watched Fish & Chips', titleUrl: 'https://www.youtube.com/watch?v=abc&t=1', subtitles: [{ name: 'Chef', url: 'https://www.youtube.com/channel/UCx' }], time: '2026-12-06T19:13:51.000Z', products: ['YouTube'] },
        { header: 'YouTube', title: 'Watched a video that has been removed', subtitles: [], timeAsWritten: 'sometime', products: ['YouTube'] },
      ]);
    }
  });
});
