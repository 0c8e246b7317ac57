import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// electron-builder.yml read and validated by electron-builder's own code (app-builder-lib's loader
// and its JSON schema, which refuses unknown keys), and the fuses mapped to @electron/fuses' wire
// options exactly as the packager flips them — so a misspelt key or a dropped fuse fails here.
const projectDir = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(`${projectDir}/package.json`);

interface BuilderConfig {
  asar?: unknown;
  electronFuses?: Record<string, boolean> | null;
  [key: string]: unknown;
}
const configModule = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string, unknown>> } };
};
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };

async function loadConfig(): Promise<BuilderConfig> {
  const config = await configModule.getConfig(projectDir, null, null);
  await configModule.validateConfiguration(config, { isEnabled: false, add() {} });
  return config;
}

describe('electron-builder packaging', () => {
  it('sets every security fuse on the shipped binary', async () => {
    const config = await loadConfig();
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('hands those fuses to @electron/fuses as the wires they name', async () => {
    const config = await loadConfig();
    const wires = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses ?? {});
    expect(wires).toMatchObject({
      [FuseV1Options.RunAsNode!]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable!]: false,
      [FuseV1Options.EnableNodeCliInspectArguments!]: false,
      [FuseV1Options.EnableCookieEncryption!]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]: true,
      [FuseV1Options.OnlyLoadAppFromAsar!]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges!]: false,
    });
  });

  it('packs the app into app.asar on every platform (integrity validation needs it)', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true);
    for (const platform of ['win', 'mac', 'linux', 'mas']) {
      const options = config[platform] as { asar?: unknown } | undefined;
      expect(options?.asar ?? true, `${platform}.asar`).not.toBe(false);
    }
    // nothing of the app's own code may sit outside the archive
    expect(config.asarUnpack ?? []).toEqual([]);
  });

  it('refuses a misspelt fuse (the schema check above is real)', async () => {
    const config = await loadConfig();
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } };
    await expect(configModule.validateConfiguration(misspelt, { isEnabled: false, add() {} })).rejects.toThrow(
      /configuration\.electronFuses/,
    );
  });
});
