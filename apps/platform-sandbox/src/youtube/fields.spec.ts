import { FieldsSyntaxError, applyFields, parseFields } from './fields';

describe('partial responses (fields)', () => {
  const body = {
    kind: 'k',
    nextPageToken: 'CAUQAA',
    items: [{ id: 'a', snippet: { title: 't', description: 'd', resourceId: { videoId: 'v', kind: 'x' } }, status: { privacyStatus: 'public' } }],
  };

  it('keeps only the selected paths, through arrays', () => {
    expect(applyFields(body, parseFields('nextPageToken,items(id,snippet/resourceId/videoId)'))).toEqual({
      nextPageToken: 'CAUQAA',
      items: [{ id: 'a', snippet: { resourceId: { videoId: 'v' } } }],
    });
    expect(applyFields(body, parseFields('items/snippet(title,description)'))).toEqual({ items: [{ snippet: { title: 't', description: 'd' } }] });
    expect(applyFields(body, parseFields('items(*)'))).toEqual({ items: body.items });
  });

  it('merges overlapping selections', () => {
    expect(applyFields(body, parseFields('items/snippet/title,items/snippet'))).toEqual({ items: [{ snippet: body.items[0].snippet }] });
  });

  it('rejects malformed selections', () => {
    for (const bad of ['items(', 'items)', ',', 'items(id,,x)', 'a b']) expect(() => parseFields(bad)).toThrow(FieldsSyntaxError);
  });
});
