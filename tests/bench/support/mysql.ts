import { createConnection } from 'mysql2/promise';

/** The MariaDB/MySQL server benches use: DATABASE_URL when it is a mysql:// URL, else the local root. */
export const MYSQL_BASE = new URL(
  process.env.DATABASE_URL?.startsWith('mysql://')
    ? process.env.DATABASE_URL
    : 'mysql://root@127.0.0.1:3306/',
);

/** A raw connection to {@link MYSQL_BASE}'s server (no database selected). */
export const mysqlConnection = () =>
  createConnection({
    host: MYSQL_BASE.hostname,
    port: Number(MYSQL_BASE.port || 3306),
    user: decodeURIComponent(MYSQL_BASE.username),
    password: decodeURIComponent(MYSQL_BASE.password),
  });
