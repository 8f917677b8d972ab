// One console tab for the console's e2e suites: its own Chromium and client address, the page's faults
// (a CSP refusal or an uncaught error; a refused request's 4xx is not one), the screenshots it kept, and
// the steps every suite takes (sign in and out, an accessibility check).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, screenshot } from './browser';
import { freshIp, gatewayUrl, type TestUser } from './e2e-client';

const PAGE_FAULT = /Content Security Policy|Refused to/;

export class ConsolePage {
  /** Faults the page reported; each suite expects none. */
  readonly pageErrors: string[] = [];
  private readonly screenshots: string[] = [];

  private constructor(
    private readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (PAGE_FAULT.test(message.text())) this.pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  /** A new tab; its own client address gives its sign-ins a rate-limit bucket of their own (the gateway trusts loopback proxies here). */
  static async open(options: { acceptDownloads?: boolean } = {}): Promise<ConsolePage> {
    const browser = await launchChromium();
    const context = await browser.newContext({
      acceptDownloads: options.acceptDownloads ?? false,
      viewport: { width: 1280, height: 900 },
      extraHTTPHeaders: { 'x-forwarded-for': freshIp() },
    });
    return new ConsolePage(browser, context, await context.newPage());
  }

  async signIn(user: TestUser): Promise<void> {
    await this.page.goto(`${gatewayUrl()}/console/`);
    await this.page.getByLabel('Username or email').fill(user.username);
    await this.page.getByLabel('Password').fill(user.password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('heading', { name: 'Fleet' }).waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  /** axe-core finds no WCAG 2 A/AA violation on the screen as it is; `screen` names it in a failure. */
  async expectAccessible(screen: string): Promise<void> {
    const violations = await axeViolations(this.page);
    expect({ screen, violations }).toEqual({ screen, violations: [] });
  }

  /** A screenshot kept under test-artifacts/console/, listed when the suite closes the page. */
  async keep(name: string): Promise<void> {
    this.screenshots.push(await screenshot(this.page, name));
  }

  /** Closes the browser and prints the screenshots kept (the note quotes them). */
  async close(title: string): Promise<void> {
    await this.browser.close();
    if (this.screenshots.length) process.stdout.write(`${title}:\n${this.screenshots.join('\n')}\n`);
  }
}
