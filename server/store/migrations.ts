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
  {
    version: 2,
    name: 'posture: frames (landmarks) and posture signals',
    sql: `
      CREATE TABLE frames (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant  TEXT NOT NULL,
        media_ms     INTEGER NOT NULL,
        source       TEXT NOT NULL CHECK (source IN ('browser', 'server')),
        persons      INTEGER NOT NULL,
        aspect       REAL,
        poses_json   TEXT NOT NULL,
        received_at  INTEGER NOT NULL
      );
      CREATE INDEX frames_session ON frames(session_id, participant, media_ms);
      CREATE TABLE signals_v2 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('verbal', 'posture')),
        participant   TEXT NOT NULL,
        utterance_id  INTEGER REFERENCES utterances(id) ON DELETE CASCADE,
        frame_id      INTEGER REFERENCES frames(id) ON DELETE SET NULL,
        label         TEXT NOT NULL,
        score         REAL NOT NULL,
        scores_json   TEXT NOT NULL,
        features_json TEXT NOT NULL,
        media_ms      INTEGER NOT NULL,
        started_ms    INTEGER NOT NULL,
        ended_ms      INTEGER,
        source        TEXT NOT NULL,
        model_version TEXT NOT NULL
      );
      INSERT INTO signals_v2
        SELECT s.id, s.session_id, 'verbal', u.speaker, s.utterance_id, NULL, s.label, s.score, s.scores_json, '{}',
               s.media_ms, s.media_ms, NULL, 'server', s.model_version
          FROM signals s JOIN utterances u ON u.id = s.utterance_id;
      DROP TABLE signals;
      ALTER TABLE signals_v2 RENAME TO signals;
      CREATE INDEX signals_session ON signals(session_id, media_ms);
    `,
  },
  {
    version: 3,
    name: 'frames: the person box a user pointed at (so re-analysis follows the same person)',
    sql: `
      ALTER TABLE frames ADD COLUMN person_json TEXT;
    `,
  },
  {
    version: 4,
    name: "utterances: the client's turn id (a live turn sent again under it is not stored twice)",
    sql: `
      ALTER TABLE utterances ADD COLUMN client_turn_id TEXT;
      CREATE UNIQUE INDEX utterances_client_turn ON utterances(session_id, client_turn_id) WHERE client_turn_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: "tracker_states: each customer's latest posture tracker state (a restart replays only the frames after it)",
    sql: `
      CREATE TABLE tracker_states (
        session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant   TEXT NOT NULL,
        frame_id      INTEGER NOT NULL,
        media_ms      INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        aspect        REAL,
        state_json    TEXT NOT NULL,
        PRIMARY KEY (session_id, participant)
      );
    `,
  },
  {
    version: 6,
    name: "frames: a participant's frames in the order they were stored (a restart replays those after a tracker state in that order)",
    sql: `
      CREATE INDEX frames_stored ON frames(session_id, participant, id);
    `,
  },
  {
    version: 7,
    name: "corrections: a coach's label of a customer turn (data for measuring and training the verbal model; never part of the analysis)",
    // Keyed by the turn alone: one label per turn, a later one replaces it. Not in the analysis
    // a re-analysis replaces (signals, cues, tracker states): a role change keeps them. Should
    // a turn or a session ever be deleted, its labels go with it.
    sql: `
      CREATE TABLE corrections (
        utterance_id INTEGER PRIMARY KEY REFERENCES utterances(id) ON DELETE CASCADE,
        session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        label        TEXT NOT NULL CHECK (label IN ('price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral')),
        note         TEXT,
        corrected_at INTEGER NOT NULL
      );
      CREATE INDEX corrections_session ON corrections(session_id, utterance_id);
      -- The export looks up each labelled turn's verbal signal; without this it scanned all the
      -- session's signals for every label (2,000 labels of a 4,000-turn session: 250 ms).
      CREATE INDEX signals_utterance ON signals(utterance_id) WHERE utterance_id IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: "cue_reviews: a coach's verdict on a cue (data for measuring cue precision; never part of the analysis)",
    // Keyed by the moment (the cue's type and media time), not the cue's id: a re-analysis
    // replaces the cues under new ids, and the cue it makes again at that moment is the same
    // one. Readers join on the current cues. Kept through re-analyses (not in clearAnalysis);
    // goes with its session.
    sql: `
      CREATE TABLE cue_reviews (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        cue_type    TEXT NOT NULL CHECK (cue_type IN ('closing_moment', 'resistance')),
        media_ms    INTEGER NOT NULL,
        verdict     TEXT NOT NULL CHECK (verdict IN ('useful', 'false_alarm')),
        note        TEXT,
        reviewed_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, cue_type, media_ms)
      );
    `,
  },
  {
    version: 9,
    name: "posture_labels: a coach's labels of a customer's posture in one stored frame (data for measuring and training the posture classifier; never part of the analysis)",
    // Keyed by the frame alone: one set of labels per frame, a later one replaces it. Frames are
    // never replaced by a re-analysis, so labels outlive role changes; they go with their frame
    // or session. `labels_json`: a JSON array in POSTURE_FRAME_LABELS order.
    // frames_person: the export's person choice reads the latest box a user pointed at for the
    // participant at or before the labelled frame; without it that read walked back over every
    // earlier frame of theirs (most carry no box). signals_posture: the export's model_labels
    // (the participant's posture signals on at the frame's time) without scanning the session's
    // verbal signals.
    sql: `
      CREATE TABLE posture_labels (
        frame_id    INTEGER PRIMARY KEY REFERENCES frames(id) ON DELETE CASCADE,
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant TEXT NOT NULL,
        labels_json TEXT NOT NULL CHECK (json_valid(labels_json) AND json_type(labels_json) = 'array'),
        note        TEXT,
        labelled_at INTEGER NOT NULL
      );
      CREATE INDEX posture_labels_session ON posture_labels(session_id, participant);
      CREATE INDEX frames_person ON frames(session_id, participant, media_ms) WHERE person_json IS NOT NULL;
      CREATE INDEX signals_posture ON signals(session_id, participant, started_ms) WHERE kind = 'posture';
    `,
  },
  {
    version: 10,
    name: "comments: a coach's free comment on a moment of a meeting (for the rep; never part of the analysis)",
    // Not keyed by anything of the analysis: a comment names a media time, which role changes
    // and re-analyses leave as they are. Goes with its session. The index serves the snapshot's
    // order (media time, then id) and the per-session count.
    sql: `
      CREATE TABLE comments (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        media_ms    INTEGER NOT NULL,
        text        TEXT NOT NULL,
        author      TEXT,
        created_at  INTEGER NOT NULL,
        edited_at   INTEGER
      );
      CREATE INDEX comments_session ON comments(session_id, media_ms, id);
    `,
  },
  {
    version: 11,
    name: "signals_frame: deleting a session's frames finds the posture signals that name them without scanning every signal",
    // Deleting a session (DELETE /api/sessions/:id) deletes its frames; signals.frame_id
    // references frames (ON DELETE SET NULL), so SQLite looks up each deleted frame's signals.
    // Without this index each look-up scanned the whole signals table (every session's): a
    // session of 10,000 frames in a store of 100,000 signals read a billion rows.
    sql: `
      CREATE INDEX signals_frame ON signals(frame_id) WHERE frame_id IS NOT NULL;
    `,
  },
  {
    version: 12,
    name: "utterances: each turn's text as search compares it and its language (GET /api/search); sessions in newest-first order",
    // search_text: searchForm (server/search/searchText.ts: NFKC and lower case, a character at a
    // time); search_lang: searchLang (en, zh, or mixed, a Chinese turn with an English word).
    // Both written with the turn on every insert path (addUtterance, importArchive) and filled
    // here for the turns stored before, through the same functions (the store registers them as
    // SQL functions before it migrates). A coach's correction of a turn's words (migration 13)
    // writes them again with the new words.
    // sessions_newest: search walks the sessions newest first, as the list orders them.
    sql: `
      ALTER TABLE utterances ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
      ALTER TABLE utterances ADD COLUMN search_lang TEXT NOT NULL DEFAULT 'en' CHECK (search_lang IN ('en', 'zh', 'mixed'));
      UPDATE utterances SET search_text = search_form(text), search_lang = search_lang(text);
      CREATE INDEX sessions_newest ON sessions(created_at);
    `,
  },
  {
    version: 13,
    name: "utterance edits: a coach's correction of a stored turn keeps its first words and speaker",
    // A turn's words and speaker can be corrected (PATCH /api/sessions/:id/utterances/:utteranceId);
    // `text` and `speaker` hold the corrected ones, and these the turn as first stored (set by the
    // first edit, kept by later ones) and when it was last edited. All NULL: never edited. Only
    // columns added to utterances, nothing read from another migration.
    sql: `
      ALTER TABLE utterances ADD COLUMN original_text TEXT;
      ALTER TABLE utterances ADD COLUMN original_speaker TEXT;
      ALTER TABLE utterances ADD COLUMN edited_at INTEGER;
    `,
  },
  {
    version: 14,
    name: 'utterances: the search form again for the turns holding a final sigma (searchForm now folds ς to σ)',
    // Migration 12 kept ς while Σ became σ (lower case a character at a time), so a Greek word
    // ending in sigma matched in one case only. Only turns holding ς change.
    sql: `
      UPDATE utterances SET search_text = search_form(text) WHERE instr(text, 'ς') > 0;
    `,
  },
  {
    version: 15,
    name: 'sessions.importing: a session being restored from an archive, stored a slice at a time, is invisible until its last slice',
    // POST /api/archives inserts a large archive in many short transactions so live meetings'
    // turns go on between them; until the last one sets this back to 0 the session is seen by
    // no reader (list, snapshot, lobby, exports). A refused or interrupted import deletes its
    // rows; a store opened after a crash deletes any session still marked so.
    sql: `
      ALTER TABLE sessions ADD COLUMN importing INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX sessions_importing ON sessions(importing) WHERE importing = 1;
    `,
  },
  {
    version: 16,
    name: "deleted turns: a deleted turn's number and clientTurnId stay taken",
    // A coach's deletion of a turn (DELETE /api/sessions/:id/utterances/:utteranceId) leaves its
    // number (seq) and its clientTurnId here: the next turn is numbered after the highest ever
    // given, also after a restart (the session's MAX(seq) alone gave a deleted last turn's number
    // again), and a live turn sent again under a deleted turn's clientTurnId (its ack was lost) is
    // refused, not stored again (it brought back a turn a coach had deleted). Gone with the session.
    sql: `
      CREATE TABLE deleted_turns (
        session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        client_turn_id TEXT,
        PRIMARY KEY (session_id, seq)
      );
      CREATE INDEX deleted_turns_client ON deleted_turns(session_id, client_turn_id) WHERE client_turn_id IS NOT NULL;
    `,
  },
  {
    version: 17,
    name: 'settings: the verbal model and signal thresholds an analyst chose to run, and their history',
    // PUT /api/settings/verbal: what the server runs, kept across a restart (server/models/
    // verbalSettings.ts). One row per setting (key 'verbal.model': {id, version}; key
    // 'verbal.thresholds': {label: number}), JSON values; a setting never chosen has no row.
    // Each change is also appended to settings_history (from → to, JSON; NULL: the default).
    sql: `
      CREATE TABLE settings (
        key         TEXT PRIMARY KEY,
        value_json  TEXT NOT NULL,
        changed_at  INTEGER NOT NULL
      );
      CREATE TABLE settings_history (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          INTEGER NOT NULL,
        key         TEXT NOT NULL,
        from_json   TEXT,
        to_json     TEXT NOT NULL
      );
      CREATE INDEX settings_history_key ON settings_history(key, id);
    `,
  },
  {
    version: 18,
    name: 'analysis_thresholds: the signal thresholds a session\'s analysis was made under',
    // Each distinct set of signal thresholds (canonical JSON: labels sorted, '{}' for none) its
    // verbal turns were classified under: a live turn adds those of its time, a re-analysis
    // replaces them with today's (with the signals: clearAnalysis). A session analysed before
    // this migration, or imported from an archive without them, has none: not known.
    sql: `
      CREATE TABLE analysis_thresholds (
        session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        thresholds_json TEXT NOT NULL,
        PRIMARY KEY (session_id, thresholds_json)
      );
    `,
  },
];
