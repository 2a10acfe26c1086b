// Numbered schema migrations. Append only: a released migration is never edited.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, participants, utterances, signals, cues',
    sql: `
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        demo        INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE participants (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        role        TEXT CHECK (role IN ('customer', 'rep')),
        ord         INTEGER NOT NULL,
        PRIMARY KEY (session_id, name)
      );
      CREATE TABLE utterances (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        speaker     TEXT NOT NULL,
        role        TEXT CHECK (role IN ('customer', 'rep')),
        text        TEXT NOT NULL,
        start_ms    INTEGER NOT NULL,
        end_ms      INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (session_id, seq)
      );
      CREATE TABLE signals (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        utterance_id  INTEGER NOT NULL REFERENCES utterances(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL,
        label         TEXT NOT NULL,
        score         REAL NOT NULL,
        scores_json   TEXT NOT NULL,
        media_ms      INTEGER NOT NULL,
        model_version TEXT NOT NULL
      );
      CREATE INDEX signals_session ON signals(session_id, media_ms);
      CREATE TABLE cues (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        type              TEXT NOT NULL,
        reason            TEXT NOT NULL,
        media_ms          INTEGER NOT NULL,
        score             REAL NOT NULL,
        technique         TEXT NOT NULL,
        evidence_json     TEXT NOT NULL,
        title_json        TEXT NOT NULL,
        tip_json          TEXT NOT NULL,
        model_version     TEXT NOT NULL,
        input_received_at INTEGER NOT NULL,
        emitted_at        INTEGER NOT NULL
      );
      CREATE INDEX cues_session ON cues(session_id, media_ms);
    `,
  },
];
