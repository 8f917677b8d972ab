// The web console's authoring story, from nothing to a synced change without curl: an admin
// registers a target database (the API refuses a bad URI naming the field), tests its connection,
// imports its live indexes (dry run first), adds and edits a definition in the form (the API's
// validation error shows next to the field), dry-runs and applies a manifest edit (a stale ETag is
// refused and the user's text can be restored), sees the drift and syncs it; a viewer sees no
// button it cannot use; the admin renames, protects and deletes the database, then changes a
// member's role and invites someone. axe-core checks each new screen and screenshots go to
// test-artifacts/console/. Real parts only, as in console.e2e-spec.ts.
import type { Page } from 'playwright-core';
import type { MongoClient } from 'mongodb';
import { tabOrder } from './support/browser';
import { ConsolePage } from './support/console-page';
import {
  authedApi,
  defineIndex,
  eventually,
  gatewayUrl,
  loggedInUser,
  login,
  mongoClient,
  registerUser,
  suffix,
  targetMongoUri,
  type AuthedApi,
  type TestUser,
} from './support/e2e-client';

jest.setTimeout(90_000);

let ui: ConsolePage;
let page: Page;
let mongo: MongoClient;
let ann: TestUser;
let projectId: string;
let vera: TestUser;
let annApi: AuthedApi;
const target = { name: `crm_${suffix()}`, dbName: `console_crm_${suffix()}` };
const imported = { name: `billing_${suffix()}`, dbName: `console_billing_${suffix()}` };

/** The manifest the admin pastes: customer_1 becomes unique (updated), created_-1 is new, status_1 is left out (deleted). */
const EDITED_MANIFEST = `version: 1
collections:
  orders:
    - name: customer_1
      keys:
        - field: customer
          value: 1
      options:
        is_unique: true
    - keys:
        - field: created
          value: -1
`;

async function tab(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Database' }).getByRole('link', { name, exact: true }).click();
}

beforeAll(async () => {
  mongo = await mongoClient();
  const admin = await loggedInUser('admin');
  ann = admin;
  projectId = admin.projectId;
  annApi = authedApi(admin.tokens.access_token);
  vera = await registerUser();
  expect((await annApi.put(`/projects/${projectId}/members/${vera.profile.id}`).send({ role: 'viewer' })).status).toBe(200);
  annApi = authedApi((await login(ann)).access_token);
  // The target exists before the registry knows it: a collection with documents and one live index to import.
  const orders = mongo.db(target.dbName).collection('orders');
  await orders.insertMany([
    { customer: 'c1', status: 'new', created: new Date() },
    { customer: 'c2', status: 'paid', created: new Date() },
  ]);
  await orders.createIndex({ customer: 1 });

  ui = await ConsolePage.open();
  page = ui.page;
});

afterAll(async () => {
  await ui?.close('console authoring screenshots');
  for (const db of [target, imported]) await mongo?.db(db.dbName).dropDatabase();
  await mongo?.close();
});

describe('authoring in the web console', () => {
  it('registers a database: the keyboard reaches every field, a bad URI is refused naming the field, then it is saved', async () => {
    await ui.signIn(ann);
    await page.getByLabel('Project').selectOption(projectId);
    await page.getByRole('link', { name: 'Register a database' }).click();
    await page.getByRole('heading', { name: 'Register a database' }).waitFor();
    await ui.expectAccessible('register-database');
    await page.getByLabel('Name', { exact: true }).focus();
    expect(await tabOrder(page, 6)).toEqual([
      '#db-description',
      '#db-uri',
      '#db-db-name',
      '#db-protected',
      '#db-import',
      'button:Register database',
    ]);

    await page.getByLabel('Name', { exact: true }).fill(target.name);
    // Typed like a password: it may hold one.
    expect(await page.getByLabel('Connection string').getAttribute('type')).toBe('password');
    await page.getByLabel('Connection string').fill('http://not-mongo');
    await page.getByLabel('Database name on the server').fill(target.dbName);
    await page.getByRole('button', { name: 'Register database' }).click();
    const uriError = page.locator('#db-uri-error');
    await uriError.waitFor();
    expect(await uriError.innerText()).toContain('MongoDB connection string');
    expect(await page.getByLabel('Connection string').getAttribute('aria-invalid')).toBe('true');
    await ui.keep('register-database-refused');
    await ui.expectAccessible('register-database-refused');

    await page.getByLabel('Connection string').fill(targetMongoUri());
    await page.getByRole('button', { name: 'Register database' }).click();
    await page.getByRole('heading', { name: target.name }).waitFor();
    await page.getByRole('heading', { name: 'Differences' }).waitFor();
  });

  it('tests the connection of the registered database', async () => {
    await tab('Settings');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected: 1 collection \(orders\)/).waitFor();
    await ui.keep('settings');
    await ui.expectAccessible('settings');
  });

  it('imports the live indexes: a dry run lists what it would create, the import records it', async () => {
    await tab('Import');
    await page.getByRole('button', { name: 'Dry run import' }).click();
    const wouldCreate = page.getByRole('list', { name: 'Would be created' });
    await wouldCreate.waitFor();
    expect(await wouldCreate.innerText()).toContain('orders.customer_1');
    await ui.keep('import-dry-run');
    await ui.expectAccessible('import-dry-run');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: /^Imported: 1 to create/ }).waitFor();
    const imported = page
      .getByRole('table', { name: /^Imports of this database/ })
      .getByRole('row')
      .filter({ hasNotText: 'dry run' });
    await imported.filter({ hasText: /completed.*1 imported/ }).waitFor();
    await ui.keep('import-done');
  });

  it('adds a definition in the form, showing the API error next to the field, then edits it', async () => {
    await tab('Definitions');
    await page.getByRole('table', { name: 'Collection orders' }).getByText('customer_1').waitFor();
    await page.getByRole('button', { name: 'Add a definition' }).click();
    // The collection field has the focus; the keyboard goes on through the keys and options.
    expect(await tabOrder(page, 4)).toEqual(['#def-key-0-field', '#def-key-0-type', 'button:Add a key field', '#def-name']);
    await page.getByLabel('Collection').fill('orders');
    await page.getByRole('button', { name: 'Add definition' }).click();
    const keyError = page.locator('#def-key-0-field-error');
    await keyError.waitFor();
    expect(await keyError.innerText()).toContain('must not be empty');
    await ui.keep('definition-refused');
    await ui.expectAccessible('definition-form');

    await page.getByLabel('Field 1', { exact: true }).fill('status');
    await page.getByLabel('Partial filter (JSON)').fill('{"status": ');
    await page.getByRole('button', { name: 'Add definition' }).click();
    await page
      .locator('#def-partial-error')
      .getByText(/not JSON/)
      .waitFor();
    await page.getByLabel('Partial filter (JSON)').fill('');
    await page.getByRole('button', { name: 'Add definition' }).click();
    const orders = page.getByRole('table', { name: 'Collection orders' });
    await orders.getByRole('row', { name: /status_1/ }).waitFor();

    await orders.getByRole('button', { name: 'Edit status_1' }).click();
    await page.getByLabel('Sparse').check();
    await page.getByRole('button', { name: 'Save definition' }).click();
    await orders.getByRole('row', { name: /status_1.*"sparse":true/ }).waitFor();
    await ui.keep('definitions');
    await ui.expectAccessible('definitions');
  });

  it('dry-runs a manifest edit, refuses a stale apply, and applies it with deletions allowed', async () => {
    await tab('Manifest');
    const editor = page.getByLabel('Manifest (YAML)');
    await editorShows('status_1');
    await ui.expectAccessible('manifest');
    await editor.focus();
    expect(await tabOrder(page, 3)).toEqual(['#manifest-file', 'button:Dry run', 'button:Discard changes']);
    await editor.fill(EDITED_MANIFEST);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('heading', { name: 'Dry run: 1 created, 1 updated, 1 deleted, 0 unchanged' }).waitFor();
    expect(await page.getByRole('list', { name: 'Created' }).innerText()).toContain('orders.created_-1');
    expect(await page.getByRole('list', { name: 'Deleted' }).innerText()).toContain('orders.status_1');
    expect(
      await page
        .getByRole('table', { name: /Updated: orders\.customer_1/ })
        .getByRole('row', { name: /is_unique/ })
        .getByRole('cell')
        .allInnerTexts(),
    ).toEqual(['not set', 'true']);
    const apply = page.getByRole('button', { name: 'Apply manifest' });
    expect(await apply.isDisabled()).toBe(true);
    await page.getByLabel(/Delete the 1 definition\(s\) the manifest leaves out/).check();
    await ui.keep('manifest-dry-run');
    await ui.expectAccessible('manifest-dry-run');

    // Someone else changes the definitions meanwhile: the apply is refused, nothing is written.
    await defineIndex(annApi, databaseId(), 'orders', [{ field: 'meanwhile', value: 1 }]);
    await apply.click();
    await page
      .getByRole('alert')
      .getByText(/changed since you loaded the manifest/)
      .waitFor();
    await editorShows('meanwhile_1');
    await ui.keep('manifest-stale');
    await page.getByRole('button', { name: 'Restore my edit' }).click();
    expect(await editor.inputValue()).toBe(EDITED_MANIFEST);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('heading', { name: 'Dry run: 1 created, 1 updated, 2 deleted, 0 unchanged' }).waitFor();
    await page.getByLabel(/Delete the 2 definition\(s\) the manifest leaves out/).check();
    await page.getByRole('button', { name: 'Apply manifest' }).click();
    await page.getByRole('heading', { name: 'Applied: 1 created, 1 updated, 2 deleted, 0 unchanged' }).waitFor();
  });

  it('shows the drift the manifest made and syncs it', async () => {
    await tab('Overview');
    await page.getByText(/Compared .*1 missing, 0 redundant, 1 different/).waitFor();
    await page.getByRole('button', { name: 'Start sync' }).click();
    await page.getByTestId('sync-status').filter({ hasText: 'Status: completed' }).waitFor({ timeout: 40_000 });
    await ui.keep('authoring-synced');
    await page.getByText(/Compared .*0 missing, 0 redundant, 0 different/).waitFor();
    const live = await mongo.db(target.dbName).collection('orders').listIndexes().toArray();
    expect(live.map((index) => index.name as string)).toContain('created_-1');
    expect(live.find((index) => index.name === 'customer_1')?.unique).toBe(true);
    await ui.signOut();
  });

  it('a viewer sees the database but no button it cannot use', async () => {
    await ui.signIn(vera);
    expect(await page.getByRole('link', { name: 'Register a database' }).count()).toBe(0);
    await page.getByRole('link', { name: target.name, exact: true }).click();
    await page.getByRole('heading', { name: 'Differences' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start sync' }).count()).toBe(0);
    await tab('Definitions');
    await page.getByRole('table', { name: 'Collection orders' }).waitFor();
    expect(await page.getByRole('button', { name: /Add a definition|Edit|Delete/ }).count()).toBe(0);
    await tab('Manifest');
    expect(await page.getByLabel('Manifest (YAML)').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: 'Dry run' }).count()).toBe(0);
    await tab('Settings');
    await page.getByRole('button', { name: 'Test connection' }).waitFor();
    expect(await page.getByRole('button', { name: /Delete|Save/ }).count()).toBe(0);
    await ui.keep('viewer-settings');
    await ui.signOut();
  });

  it('the admin renames and protects the database, then deletes it after a confirmation naming it', async () => {
    await ui.signIn(ann);
    await page.getByRole('link', { name: target.name, exact: true }).click();
    await tab('Settings');
    await page.getByLabel('Name', { exact: true }).fill(`${target.name}_renamed`);
    await page.getByLabel('Protected').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: `${target.name}_renamed Protected` }).waitFor();

    await page.getByRole('button', { name: 'Delete database…' }).click();
    const confirm = page.getByRole('group', { name: `Delete ${target.name}_renamed and its definitions?` });
    await ui.keep('delete-confirmation');
    await ui.expectAccessible('delete-confirmation');
    // The safe choice has the focus: Enter cancels.
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete database…' }).click();
    await confirm.getByRole('button', { name: `Delete ${target.name}_renamed` }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    // The drift store forgets the database when its deletion event arrives: the fleet may list it until then.
    const gone = await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByText(/\d+ databases?$/).waitFor();
        return (await page.getByRole('link', { name: `${target.name}_renamed` }).count()) === 0;
      },
      15_000,
      500,
    );
    expect(gone).toBe(true);
  });

  it('registering with its existing indexes opens the import, which is followed to its end', async () => {
    await mongo.db(imported.dbName).collection('invoices').createIndex({ number: 1 });
    await page.getByRole('link', { name: 'Register a database' }).click();
    await page.getByLabel('Name', { exact: true }).fill(imported.name);
    await page.getByLabel('Connection string').fill(targetMongoUri());
    await page.getByLabel('Database name on the server').fill(imported.dbName);
    await page.getByLabel('Import its existing indexes as definitions').check();
    await page.getByRole('button', { name: 'Register database' }).click();
    await page.getByRole('heading', { name: 'Import from the live database' }).waitFor();
    const queued = page
      .getByRole('table', { name: /^Imports of this database/ })
      .getByRole('row')
      .filter({ hasText: 'on registration' });
    await queued.filter({ hasText: /completed.*1 imported/ }).waitFor({ timeout: 20_000 });
    await ui.keep('import-on-registration');
    await tab('Definitions');
    await page.getByRole('table', { name: 'Collection invoices' }).getByText('number_1').waitFor();
  });

  it("the project's admin changes a member's role, invites someone and revokes the invitation", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: /^Members of/ }).waitFor();
    const role = page.getByLabel(`Role of ${vera.username}`);
    expect(await role.inputValue()).toBe('viewer');
    await role.selectOption('editor');
    // The select shows the role the API answers after the change, not the choice itself.
    await page.locator(`select[aria-label="Role of ${vera.username}"] option[value="editor"]:checked`).waitFor({ state: 'attached' });
    const members = await annApi.get(`/projects/${projectId}/members`);
    expect(members.body.items.find((member: { user_id: string }) => member.user_id === vera.profile.id).role).toBe('editor');

    const email = `invitee_${suffix()}@example.com`;
    await page.getByLabel('Email address').fill('not an address');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.locator('#invite-email-error').waitFor();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('status').getByText(`Invited ${email} as viewer`).waitFor();
    const pending = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(email) });
    await pending.waitFor();
    await ui.keep('members');
    await ui.expectAccessible('members');
    await pending.getByRole('button', { name: 'Revoke…' }).click();
    await pending.getByRole('button', { name: `Revoke ${email}` }).click();
    await pending.waitFor({ state: 'detached' });
    expect(ui.pageErrors).toEqual([]);
  });

  it('an invitation link opens the account form with its token; a weak password is refused under its field, then the new member is signed in', async () => {
    const nia = { email: `nia.${suffix()}@example.test`, username: `nia_${suffix()}`, password: `Quiet-larch-${suffix()}-harbour` };
    const invited = await annApi.post('/invitations').send({ email: nia.email, project_id: projectId, role: 'editor' });
    expect(invited.status).toBe(201);
    await ui.signOut();
    await page.goto(`${gatewayUrl()}/console/?invitation=${invited.body.token as string}`);
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await page.getByLabel('Invitation (optional)').inputValue()).toBe(invited.body.token);
    await page.getByLabel('Email').fill(nia.email);
    await page.getByLabel('Username').fill(nia.username);
    await page.getByLabel('Password').fill('password1234');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#account-password-error').waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await ui.keep('create-account-refused');
    await ui.expectAccessible('create account');
    await page.getByLabel('Password').fill(nia.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    // The invitation made the new account an editor of the project.
    const members = await annApi.get(`/projects/${projectId}/members`);
    expect(
      members.body.items.find(
        (member: { username?: string; user_id: string; role: string }) => member.role === 'editor' && member.username === nia.username,
      ),
    ).toBeDefined();
    expect(ui.pageErrors).toEqual([]);
  });
});

/** The registered database's id, from the console's address. */
function databaseId(): string {
  const id = /\/databases\/([0-9a-f]{24})/.exec(page.url())?.[1];
  if (!id) throw new Error(`no database id in ${page.url()}`);
  return id;
}

/** Waits until the manifest editor (a controlled textarea: its value, not its text) holds `text`. */
async function editorShows(text: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): { value: string } | null } }).document;
      return doc.querySelector('#manifest-yaml')?.value.includes(wanted) ?? false;
    },
    text,
    { timeout: 10_000 },
  );
}
