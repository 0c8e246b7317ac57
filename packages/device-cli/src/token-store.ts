/**
 * The device's sessions: one small JSON file per email (tokens, the server they belong to and a
 * stable device id), in $CUTLINE_DEVICE_HOME or ~/.cutline-device/. Files are written mode 0600
 * (the folder 0700) and replaced atomically, so a crash never leaves half a token behind.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Session {
  server: string;
  email: string;
  userId: string;
  device: { id: string; platform: 'web' | 'mobile' };
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token stops working (as the server told us). */
  accessExpiresAt: number;
  savedAt: string;
}

export function configDir(env: Record<string, string | undefined>): string {
  return env.CUTLINE_DEVICE_HOME || join(env.HOME || homedir(), '.cutline-device');
}

const fileName = (email: string) => `${email.trim().toLowerCase().replace(/[^a-z0-9._@+-]/g, '_')}.json`;

export function newDeviceId(platform: string): string {
  return `cli-${platform}-${randomBytes(6).toString('hex')}`;
}

export class TokenStore {
  constructor(readonly dir: string) {}

  pathOf(email: string): string {
    return join(this.dir, fileName(email));
  }

  load(email: string): Session | null {
    let text: string;
    try {
      text = readFileSync(this.pathOf(email), 'utf8');
    } catch {
      return null;
    }
    try {
      const s = JSON.parse(text) as Session;
      if (typeof s.accessToken !== 'string' || typeof s.refreshToken !== 'string' || typeof s.device?.id !== 'string') return null;
      return s;
    } catch {
      return null;
    }
  }

  save(s: Session): void {
    this.writePrivate(this.pathOf(s.email), JSON.stringify(s, null, 2) + '\n');
  }

  remove(email: string): void {
    rmSync(this.pathOf(email), { force: true });
  }

  /** The email of the last sign-in, used when --email is not given. */
  current(): string | null {
    try {
      const v = JSON.parse(readFileSync(join(this.dir, 'current.json'), 'utf8')) as { email?: unknown };
      return typeof v.email === 'string' ? v.email : null;
    } catch {
      return null;
    }
  }

  setCurrent(email: string): void {
    this.writePrivate(join(this.dir, 'current.json'), JSON.stringify({ email }) + '\n');
  }

  private writePrivate(path: string, text: string): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600); // in case a umask or an old file interfered
    renameSync(tmp, path);
  }
}
