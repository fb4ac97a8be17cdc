/**
 * Where Takeout puts each YouTube file, per language: Takeout translates folder AND file names into the
 * account's language (platform-facts.md §6.5). English is the documented layout; German names are
 * those of real German exports (`YouTube und YouTube Music/Verlauf/Wiedergabeverlauf.json`,
 * `Abos/Abos.csv`, `Kommentare/Kommentare.csv`, `Playlists/`); for the channel and video metadata no
 * German spelling is documented, so the English ones are tried and anything else there is listed in the
 * manifest's unknown files rather than guessed at. The history is JSON when the user chose it and HTML
 * otherwise (Takeout's default); the JSON is listed first and read when both are there. German HTML
 * history has been seen under both the translated and the English file names. Paths are relative to the
 * YouTube folder.
 */
export interface TakeoutLayout {
  watchHistory: string[];
  searchHistory: string[];
  subscriptions: string[];
  comments: string[];
  /** The folder of `playlists.csv` and one CSV per playlist. */
  playlistsFolder: string;
  playlistIndex: string[];
  channel: string[];
  videoMetadata: string[];
}

export const TAKEOUT_LAYOUTS: readonly TakeoutLayout[] = [
  {
    watchHistory: ['history/watch-history.json', 'history/watch-history.html'],
    searchHistory: ['history/search-history.json', 'history/search-history.html'],
    subscriptions: ['subscriptions/subscriptions.csv'],
    comments: ['comments/comments.csv'],
    playlistsFolder: 'playlists/',
    playlistIndex: ['playlists/playlists.csv'],
    channel: ['channels/channel.csv'],
    videoMetadata: ['video metadata/videos.csv'],
  },
  {
    watchHistory: ['Verlauf/Wiedergabeverlauf.json', 'Verlauf/Wiedergabeverlauf.html', 'Verlauf/watch-history.html'],
    searchHistory: ['Verlauf/Suchverlauf.json', 'Verlauf/Suchverlauf.html', 'Verlauf/search-history.html'],
    subscriptions: ['Abos/Abos.csv'],
    comments: ['Kommentare/Kommentare.csv'],
    playlistsFolder: 'Playlists/',
    playlistIndex: ['Playlists/playlists.csv'],
    channel: ['channels/channel.csv'],
    videoMetadata: ['video metadata/videos.csv'],
  },
];
