import type { BrowserName } from '../env';
import type { Tab } from '../tab';

/** One browser profile with the extension loaded: one user of the scenarios. */
export interface BrowserSession {
  readonly browser: BrowserName;
  /** e.g. "chrome-extension://<id>" or "moz-extension://<uuid>" (no trailing slash). */
  readonly extensionOrigin: string;
  /** The profile directory (unique per launch; also what identifies its processes). */
  readonly profile: string | undefined;
  newTab(): Promise<Tab>;
  /** Opens `path` (e.g. "options/index.html") of the extension in a new tab, once its body exists. */
  extensionPage(path: string): Promise<Tab>;
  /** Whether the background context (Chromium: service worker; Firefox: event page) runs now. Does not wake it. */
  backgroundAlive(): Promise<boolean>;
  /** Stops the background context so a test can check that the extension recovers. */
  stopBackground(): Promise<void>;
  /** Quits the browser and starts it again with the same profile; open tabs are gone. */
  restart(): Promise<void>;
  /** OS process ids to kill if the run dies before close(). */
  pids(): number[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  extensionDir: string;
  executablePath: string;
  /** Chromium: --host-resolver-rules value. */
  resolverRules: string;
  /** Firefox: URL of the PAC file. */
  pacUrl: string;
  /** Show real windows (the `npm start` demo on a machine with a display). Default false. */
  headed?: boolean;
}
