// The web console (/console) in headless Chromium against the running system: sign in, find a
// drifted database in the fleet, read its differences and plan, download its script, start a sync and
// watch it finish live; a second operator approves a protected database's sync; the audit log shows
// it. Screenshots go to test-artifacts/console/; axe-core checks every screen (WCAG 2 A/AA), and the
// keyboard reaches the main controls with a visible focus. Real parts only: the gateway serves the
// console's production build, which calls the real API.
import type { Page } from 'playwright-core';
import type { MongoClient } from 'mongodb';
import { focusVisible, tabOrder, type PageGlobals } from './support/browser';
import { ConsolePage } from './support/console-page';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  gatewayUrl,
  loggedInUser,
  login,
  mongoClient,
  registerUser,
  suffix,
  type AuthedApi,
  type TestUser,
} from './support/e2e-client';

jest.setTimeout(90_000);

let ui: ConsolePage;
let page: Page;
let mongo: MongoClient;
let ann: TestUser;
let olga: TestUser;
let annApi: AuthedApi;
let projectId: string;
const shop = { id: '', name: `shop_${suffix()}`, dbName: `console_shop_${suffix()}` };
const ledger = { id: '', name: `ledger_${suffix()}`, dbName: `console_ledger_${suffix()}` };

/** A target with `orders` holding legacy_1 (redundant) and sku_1; the DR wants status_1 (missing) and `sku` per `sku`. */
async function driftedDatabase(target: typeof shop, options: { protected?: boolean; skuUnique?: boolean }): Promise<void> {
  const orders = mongo.db(target.dbName).collection('orders');
  await orders.insertMany([
    { status: 'new', sku: 'a', legacy: 1 },
    { status: 'paid', sku: 'b', legacy: 2 },
  ]);
  await orders.createIndex({ legacy: 1 });
  await orders.createIndex({ sku: 1 });
  const created = await createTargetDatabase(annApi, {
    name: target.name,
    db_name: target.dbName,
    project_id: projectId,
    protected: options.protected ?? false,
  });
  target.id = created.id;
  await defineIndex(annApi, target.id, 'orders', [{ field: 'status', value: 1 }]);
  await defineIndex(annApi, target.id, 'orders', [{ field: 'sku', value: 1 }], options.skuUnique ? { options: { is_unique: true } } : {});
  const compared = await annApi.post('/indexes/compare-by-database?view=summary').send({ database_id: target.id });
  if (compared.status !== 200) throw new Error(`compare failed: ${compared.status} ${compared.text}`);
}

async function openDatabase(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Fleet' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name: 'Differences' }).waitFor();
}

/** Waits until the followed sync's status line shows `status`. */
async function syncStatus(status: string, timeout = 40_000): Promise<void> {
  await page
    .getByTestId('sync-status')
    .filter({ hasText: `Status: ${status}` })
    .waitFor({ timeout });
}

beforeAll(async () => {
  mongo = await mongoClient();
  const admin = await loggedInUser('admin');
  ann = admin;
  projectId = admin.projectId;
  annApi = authedApi(admin.tokens.access_token);
  olga = await registerUser();
  const member = await annApi.put(`/projects/${projectId}/members/${olga.profile.id}`).send({ role: 'operator' });
  expect(member.status).toBe(200);
  annApi = authedApi((await login(ann)).access_token);
  await driftedDatabase(shop, { skuUnique: true });
  await driftedDatabase(ledger, { protected: true });

  ui = await ConsolePage.open({ acceptDownloads: true });
  page = ui.page;
});

afterAll(async () => {
  await ui?.close('console screenshots');
  for (const target of [shop, ledger]) await mongo?.db(target.dbName).dropDatabase();
  await mongo?.close();
});

describe('the web console', () => {
  it('is served with its CSP, and the sign-in screen is keyboard-usable and accessible', async () => {
    const response = await page.goto(`${gatewayUrl()}/console/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await ui.expectAccessible('sign-in');

    expect(await tabOrder(page, 3)).toEqual(['#login', '#password', 'button:Sign in']);
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(ann.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    await ui.keep('sign-in-refused');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length)).toBe(0);
    expect(await ui.context.cookies()).toEqual([]);
  });

  it('signs in, lists the fleet with drift state and counts, filters it, and the keyboard reaches its controls', async () => {
    await ui.signIn(ann);
    const shopRow = page.getByRole('row', { name: new RegExp(shop.name) });
    await shopRow.waitFor();
    expect(await shopRow.getByText('Drifted').count()).toBe(1);
    // status_1 missing, legacy_1 redundant, sku_1 different (the DR wants it unique).
    expect((await shopRow.getByRole('cell').allInnerTexts()).slice(2, 5)).toEqual(['1', '1', '1']);
    await page.getByLabel('Project').selectOption(projectId);
    await page.getByLabel('Drift state').selectOption('in_sync');
    await page.getByText('0 databases').waitFor();
    await page.getByLabel('Drift state').selectOption('drifted');
    await page.getByRole('row', { name: new RegExp(ledger.name) }).waitFor();
    await ui.keep('fleet');
    await ui.expectAccessible('fleet');
    // The tokens are in this tab's session storage, never in a cookie.
    expect(await ui.context.cookies()).toEqual([]);

    // From the top of the page, as a keyboard user arrives (the session survives a reload: sessionStorage).
    await page.reload();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    const order = await tabOrder(page, 10);
    for (const control of [
      'a:Skip to content',
      'a:Fleet',
      'a:Audit log',
      '#project-switcher',
      'button:Sign out',
      '#state-filter',
      '#name-filter',
    ]) {
      expect(order).toContain(control);
    }
  });

  it("shows a database's differences side by side, its plan with warnings, and downloads its script", async () => {
    await page.getByRole('link', { name: shop.name, exact: true }).click();
    await page.getByText(/Compared .*1 missing, 1 redundant, 1 different/).waitFor();
    expect(await page.getByRole('table', { name: /Missing/ }).innerText()).toContain('status_1');
    expect(await page.getByRole('table', { name: /Redundant/ }).innerText()).toContain('legacy_1');
    const different = page.getByRole('table', { name: /Different: sku_1/ });
    expect(
      await different
        .getByRole('row', { name: /unique/ })
        .getByRole('cell')
        .allInnerTexts(),
    ).toEqual(['true', 'not set']);
    const plan = page.getByRole('list').filter({ hasText: 'status_1' }).first();
    await plan.waitFor();
    expect(await plan.innerText()).toMatch(/create[\s\S]*orders\.status_1/i);
    await ui.keep('database');
    await ui.expectAccessible('database');

    // Hiding before dropping needs collMod's hidden option, which FerretDB refuses: the plan marks the step and warns.
    const hide = page.getByLabel('Hide redundant indexes instead of dropping them');
    await hide.check();
    const warnings = page.getByRole('note', { name: 'Plan warnings' });
    await warnings.waitFor();
    expect(await warnings.innerText()).toMatch(/refused by [\s\S]*legacy_1/);
    await ui.keep('plan-warnings');
    await hide.uncheck();
    await warnings.waitFor({ state: 'detached' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download mongosh script' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`indexes-${shop.dbName}-plan.js`);
    const script = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      }, reject);
    });
    expect(script).toContain('status_1');
  });

  it('starts a sync and follows it live to the end', async () => {
    await page.getByRole('button', { name: 'Start sync' }).click();
    await syncStatus('completed');
    expect(await page.getByRole('progressbar', { name: 'Progress' }).getAttribute('value')).toBe('100');
    // The page compares again when the sync has ended: nothing is left to fix.
    await page.getByText(/Compared .*0 missing, 0 redundant, 0 different/).waitFor();
    await ui.keep('sync-completed');
    await ui.expectAccessible('sync');
    const indexes = (await mongo.db(shop.dbName).collection('orders').listIndexes().toArray()).map((i) => i.name as string);
    expect(indexes).toContain('status_1');
    expect(indexes).not.toContain('legacy_1');
  });

  it('a protected database waits for another operator, who approves it in the console; the sync then runs', async () => {
    await openDatabase(ledger.name);
    await page.getByRole('button', { name: 'Start sync' }).click();
    await syncStatus('awaiting approval');
    await page
      .getByText(/drops orders\.legacy_1/)
      .first()
      .waitFor();
    await ui.keep('awaiting-approval');
    await ui.signOut();

    await ui.signIn(olga);
    await openDatabase(ledger.name);
    await page.getByLabel('Comment (optional)').fill('nothing reads legacy_1');
    await page.getByRole('button', { name: 'Approve sync' }).click();
    await syncStatus('completed');
    await ui.keep('approved-and-completed');
    await ui.expectAccessible('approval');
    await ui.signOut();
  });

  it('the audit log shows who approved the sync', async () => {
    await ui.signIn(ann);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Project').selectOption(projectId);
    await page.getByLabel('Action').selectOption('sync.approved');
    const row = page.getByRole('row', { name: new RegExp(`${olga.username}.*sync\\.approved`) });
    await row.waitFor();
    await ui.keep('audit');
    await ui.expectAccessible('audit');

    // Keyset pages of 25, without a total: 26 edits of the shop make a second page of database.updated.
    for (let i = 0; i < 26; i += 1) {
      const edited = await annApi.put(`/databases/${shop.id}`).send({ description: `edit ${i}` });
      if (edited.status !== 200) throw new Error(`edit failed: ${edited.status} ${edited.text}`);
    }
    const trail = await annApi.get(`/audit?project_id=${projectId}&action=database.updated&limit=100`);
    const updated = (trail.body as { items: { id: string }[] }).items;
    expect(updated.length).toBeGreaterThan(25);
    expect(updated.length).toBeLessThanOrEqual(50);
    await page.getByLabel('Action').selectOption('database.updated');
    await page.getByText('Entries 1–25, newest first').waitFor();
    const newer = page.getByRole('button', { name: 'Newer' });
    const older = page.getByRole('button', { name: 'Older' });
    expect(await newer.getAttribute('aria-disabled')).toBe('true');
    // By keyboard: the pager's buttons are in the tab order, and the one pressed keeps the focus at the end.
    await older.focus();
    await page.keyboard.press('Enter');
    await page.getByText(`Entries 26–${updated.length}, newest first`).waitFor();
    expect(await page.getByRole('row').count()).toBe(updated.length - 25 + 1);
    expect(await page.getByRole('row').nth(1).innerText()).toContain('database.updated');
    expect(await older.getAttribute('aria-disabled')).toBe('true');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent)).toBe('Older');
    expect(await focusVisible(page)).toBe(true);
    await ui.keep('audit-older');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Entries 1–25, newest first').waitFor();
    expect(ui.pageErrors).toEqual([]);
  });
});
