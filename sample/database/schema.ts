/** The sample's tables. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  role          TEXT    NOT NULL DEFAULT 'user',
  password_hash TEXT,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS users_role ON users (role, id);
CREATE TABLE IF NOT EXISTS documents (
  id         INTEGER PRIMARY KEY,
  title      TEXT    NOT NULL,
  body       TEXT    NOT NULL DEFAULT '',
  version    INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id     INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'cancelled'))
);
CREATE TABLE IF NOT EXISTS repos (
  id       INTEGER PRIMARY KEY,
  name     TEXT    NOT NULL,
  private  INTEGER NOT NULL DEFAULT 0,
  owner_id INTEGER NOT NULL REFERENCES users (id)
);
CREATE TABLE IF NOT EXISTS reports (
  id         TEXT PRIMARY KEY,
  type       TEXT    NOT NULL,
  year       INTEGER NOT NULL,
  content    TEXT    NOT NULL,
  created_at TEXT    NOT NULL
);
`;
