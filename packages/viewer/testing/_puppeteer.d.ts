/**
 * The part of `puppeteer-core`'s API vlmeval's tests use. Its own declarations reference Node's
 * types (`/// <reference types="node" />`), which would replace Deno's for the whole type check
 * with the old `@types/node` other packages depend on; these stand in for them.
 */

/** A console message of the page. */
export interface ConsoleMessage {
  /** `log`, `error`, `warning`, ... */
  type(): string;
  /** The message text. */
  text(): string;
}

/** A browser tab. */
export interface Page {
  /** Opens `url` and waits for its `load` (or `domcontentloaded`) event. */
  goto(
    url: string,
    options?: { waitUntil?: "load" | "domcontentloaded"; timeout?: number },
  ): Promise<unknown>;
  /** Runs `fn` in the page with `args` (serialised) and returns its (serialised) result. */
  evaluate<R>(fn: string | ((...args: never[]) => R | Promise<R>), ...args: unknown[]): Promise<R>;
  /** Waits until `fn` returns a truthy value in the page. */
  waitForFunction(
    fn: string | ((...args: never[]) => unknown),
    options?: { timeout?: number; polling?: number | "raf" },
    ...args: unknown[]
  ): Promise<unknown>;
  /** Chooses `values` in the `<select>` matched by `selector` and fires its events. */
  select(selector: string, ...values: string[]): Promise<string[]>;
  /** Types `text` into the element matched by `selector`, key by key. */
  type(selector: string, text: string): Promise<void>;
  /** Clicks the element matched by `selector`. */
  click(selector: string): Promise<void>;
  /** Saves a PNG of the viewport (or the whole page). */
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  /** An uncaught exception in the page. */
  on(event: "pageerror", handler: (error: Error) => void): this;
  /** A console message of the page. */
  on(event: "console", handler: (message: ConsoleMessage) => void): this;
  /** An `alert`, `confirm` or `prompt` dialog. */
  on(
    event: "dialog",
    handler: (dialog: { message(): string; dismiss(): Promise<void> }) => void,
  ): this;
  /** Closes the tab. */
  close(): Promise<void>;
}

/** A running browser. */
export interface Browser {
  /** Opens a tab. */
  newPage(): Promise<Page>;
  /** Ends the browser process. */
  close(): Promise<void>;
}

/** `puppeteer.launch`'s options used here. */
export interface LaunchOptions {
  /** The browser binary. */
  executablePath: string;
  /** Run without a window. */
  headless: boolean;
  /** Command-line flags. */
  args: string[];
  /** Size of each tab's viewport. */
  defaultViewport: { width: number; height: number };
}

/** puppeteer-core's default export. */
declare const puppeteer: {
  /** Starts a browser. */
  launch(options: LaunchOptions): Promise<Browser>;
};
export default puppeteer;
