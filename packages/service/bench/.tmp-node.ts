import pg from 'pg';
import { pgTypes } from '../src/store/postgres';
import { cpuMeter, localPostmasterOf } from './lib/proc-cpu';
const url = 'postgres://postgres@127.0.0.1:40299/pgperf_v5';
const pool = new pg.Pool({ connectionString: url, max: 8, types: pgTypes() });
const pm = localPostmasterOf((await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid)!;
let i = Number(process.argv[2]);
const side = process.argv[3];
const now = Date.now();
const m = cpuMeter([pm]); const t0 = performance.now(); let done = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (performance.now() - t0 < 3000) {
    const k = i++;
    if (side === 'v5') {
      await pool.query({ name: 'h', text: 'SELECT * FROM cutline_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', values: [`u_p_${k}`, `k${k}`, 'h', `ch_${k}`, 'auto-captions', 1, 3, 1, 'dev', 'desktop', now + 900000, now] });
      await pool.query({ name: 'c', text: 'SELECT * FROM cutline_capture($1, $2, $3)', values: [`u_p_${k}`, `ch_${k}`, now] });
    } else {
      await pool.query({ name: 'h', text: 'SELECT hand_hold($1, $2, $3, $4, $5)', values: [`u_p_${k}`, `k${k}`, `ch_${k}`, 3, now] });
      await pool.query({ name: 'c', text: 'SELECT hand_capture($1, $2, $3)', values: [`u_p_${k}`, `ch_${k}`, now] });
    }
    done++;
  }
}));
const ms = performance.now() - t0;
const bad = (await pool.query("SELECT count(*)::int AS n FROM charges WHERE status <> 'captured'")).rows[0].n;
console.log(side, 'not captured', bad, 'charges/s', Math.round(done * 1000 / ms), 'PG CPU ms/charge', (m.read()! / done).toFixed(3), 'next', i);
await pool.end();
