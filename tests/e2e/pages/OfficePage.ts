// Page object for the office area (administration and coordination, online
// only). Texts come from the German locale file, so tests follow the wording.
import type { Locator, Page } from 'playwright-core';
import office from '../../../locales/de/office.json';
import common from '../../../locales/de/common.json';
import type { OrganisationKind } from '@shared/staff-api';
import type { Role } from '@shared/protocol';
import { Secret, TOTP } from 'otpauth';

export { office };

/** The code an authenticator app shows for `secret` now (RFC 6238, 30 s, 6 digits). */
export function authenticatorCode(secret: string, at: Date = new Date()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
}

/** What the page object set up per backend and username: the secret, the last time step used, the unused recovery codes. */
interface Authenticator {
  secret: string;
  lastStep: number;
  recoveryCodes: string[];
}
const authenticators = new Map<string, Authenticator>();
const currentStep = (): number => Math.floor(Date.now() / 30_000);

export class OfficePage {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('office-area');
  }

  /**
   * A browser that is not an enrolled tablet starts with the choice (the office sign-in or setting
   * up this tablet); an enrolled tablet offers the office area beside its own flows.
   */
  async open(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
    await this.page
      .getByRole('button', { name: common.access.welcomeOffice })
      .or(this.page.getByRole('button', { name: office.openOffice }))
      .click();
    await this.signInHeading().waitFor();
  }

  signInHeading(): Locator {
    return this.root.getByRole('heading', { name: office.signIn.title });
  }

  async submitSignIn(username: string, password: string): Promise<void> {
    await this.root.getByLabel(office.signIn.username, { exact: true }).fill(username);
    await this.root.getByLabel(office.signIn.password, { exact: true }).fill(password);
    await this.root.getByRole('button', { name: office.signIn.submit, exact: true }).click();
  }

  /**
   * Signs in as a person would, with the second factor when it is asked for: setting up the
   * authenticator at the first sign-in of an account whose role requires it (the demo admin),
   * else the app's current code — or, within the same 30 s as the last code (a code counts once),
   * one of the recovery codes shown at set-up.
   */
  async signIn(username: string, password: string): Promise<void> {
    await this.submitSignIn(username, password);
    const enrol = this.enrolmentHeading();
    const code = this.codeHeading();
    await this.signOutButton().or(enrol).or(code).first().waitFor();
    if (await enrol.isVisible()) await this.enrolSecondFactor(username);
    else if (await code.isVisible()) await this.enterSecondFactorCode(username);
    await this.signOutButton().waitFor();
  }

  enrolmentHeading(): Locator {
    return this.root.getByRole('heading', { name: office.secondFactor.enrol.title });
  }

  codeHeading(): Locator {
    return this.root.getByRole('heading', { name: office.secondFactor.code.title });
  }

  recoveryHeading(): Locator {
    return this.root.getByRole('heading', { name: office.secondFactor.recovery.title });
  }

  private authenticatorKey(username: string): string {
    return `${new URL(this.page.url()).origin}|${username}`;
  }

  /** Reads the secret shown as text, types the current code, keeps the recovery codes, continues. */
  async enrolSecondFactor(username: string, options: { continueToOffice?: boolean } = {}): Promise<Authenticator> {
    const shown = this.root.getByTestId('second-factor-secret');
    await shown.waitFor();
    const secret = ((await shown.textContent()) ?? '').replace(/\s+/g, '');
    await this.root.getByLabel(office.secondFactor.enrol.codeLabel, { exact: true }).fill(authenticatorCode(secret));
    const step = currentStep();
    await this.root.getByRole('button', { name: office.secondFactor.enrol.submit, exact: true }).click();
    await this.recoveryHeading().waitFor();
    const recoveryCodes = (
      await this.root.getByRole('list', { name: office.secondFactor.recovery.listLabel }).getByRole('listitem').allTextContents()
    ).map((text) => text.trim());
    const authenticator = { secret, lastStep: step, recoveryCodes };
    authenticators.set(this.authenticatorKey(username), authenticator);
    if (options.continueToOffice !== false) {
      await this.root.getByRole('button', { name: office.secondFactor.recovery.done, exact: true }).click();
    }
    return authenticator;
  }

  async submitSecondFactorCode(code: string): Promise<void> {
    await this.root.getByLabel(office.secondFactor.code.label, { exact: true }).fill(code);
    await this.root.getByRole('button', { name: office.secondFactor.code.submit, exact: true }).click();
  }

  /** Enters the current code of the authenticator set up earlier in this test file (or a recovery code, see signIn). */
  async enterSecondFactorCode(username: string): Promise<void> {
    const authenticator = authenticators.get(this.authenticatorKey(username));
    if (!authenticator) throw new Error(`no authenticator of ${username} set up on this backend`);
    let code: string | undefined;
    if (currentStep() > authenticator.lastStep) {
      authenticator.lastStep = currentStep();
      code = authenticatorCode(authenticator.secret);
    } else {
      code = authenticator.recoveryCodes.pop();
    }
    if (code === undefined) throw new Error(`${username} has used all recovery codes`);
    await this.submitSecondFactorCode(code);
  }

  signOutButton(): Locator {
    return this.root.getByRole('button', { name: office.session.signOut });
  }

  alert(): Locator {
    return this.root.getByRole('alert');
  }

  section(name: 'organisations' | 'staff' | 'tablets' | 'settings' | 'questionnaire'): Locator {
    return this.root.getByRole('navigation', { name: office.nav.label }).getByRole('button', { name: office.nav[name], exact: true });
  }

  async openSection(name: 'organisations' | 'staff' | 'tablets' | 'settings' | 'questionnaire'): Promise<void> {
    await this.section(name).click();
    await this.root.getByRole('heading', { level: 2, name: office[name].title }).waitFor();
  }

  noFunctions(): Locator {
    return this.root.getByRole('heading', { name: office.noFunctions.title });
  }

  // ── Organisations ────────────────────────────────────────────────────────

  organisationForm(): Locator {
    return this.root.getByRole('form', { name: office.organisations.create.title });
  }

  async fillOrganisation(values: { id: string; name: string; kind: OrganisationKind }): Promise<void> {
    const form = this.organisationForm();
    await form.getByLabel(office.organisations.create.name, { exact: true }).fill(values.name);
    await form.getByLabel(office.organisations.create.kind, { exact: true }).selectOption(values.kind);
    await form.getByLabel(office.organisations.create.id, { exact: true }).fill(values.id);
  }

  async submitOrganisation(): Promise<void> {
    await this.organisationForm().getByRole('button', { name: office.organisations.create.submit }).click();
  }

  organisationRow(id: string): Locator {
    return this.root.getByTestId('office-organisations').locator(`tr[data-organisation-id="${id}"]`);
  }

  // ── Staff ────────────────────────────────────────────────────────────────

  staffForm(): Locator {
    return this.root.getByRole('form', { name: office.staff.create.title });
  }

  async fillStaff(values: { username: string; displayName: string; organisation: string; roles: Role[]; password: string }): Promise<void> {
    const form = this.staffForm();
    await form.getByLabel(office.staff.create.displayName, { exact: true }).fill(values.displayName);
    await form.getByLabel(office.staff.create.username, { exact: true }).fill(values.username);
    await form.getByLabel(office.staff.create.organisation, { exact: true }).selectOption({ label: values.organisation });
    for (const role of values.roles) {
      await form.getByRole('checkbox', { name: office.roles[role], exact: true }).check();
    }
    await form.getByLabel(office.staff.create.password, { exact: true }).fill(values.password);
  }

  async submitStaff(): Promise<void> {
    await this.staffForm().getByRole('button', { name: office.staff.create.submit }).click();
  }

  staffRow(username: string): Locator {
    return this.root.getByTestId('office-staff').locator(`tr[data-username="${username}"]`);
  }

  /** Clicks "Deaktivieren" in the row and returns the confirmation box. */
  async startDeactivation(username: string): Promise<Locator> {
    await this.staffRow(username).getByRole('button', { name: office.staff.deactivate }).click();
    const box = this.root.getByRole('alertdialog');
    await box.waitFor();
    return box;
  }

  async confirmDeactivation(): Promise<void> {
    await this.root.getByRole('alertdialog').getByRole('button', { name: office.staff.confirmDeactivateButton }).click();
    await this.root.getByRole('alertdialog').waitFor({ state: 'detached' });
  }

  // ── Tablets ──────────────────────────────────────────────────────────────

  tabletsHeading(): Locator {
    return this.root.getByRole('heading', { level: 2, name: office.tablets.title });
  }

  tabletRow(label: string): Locator {
    return this.root
      .getByTestId('office-tablets')
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: label, exact: true }) });
  }

  async revokeTablet(label: string): Promise<Locator> {
    await this.tabletRow(label).getByRole('button', { name: office.tablets.revoke }).click();
    const box = this.root.getByRole('alertdialog');
    await box.waitFor();
    return box;
  }

  async confirmRevoke(): Promise<void> {
    await this.root.getByRole('alertdialog').getByRole('button', { name: office.tablets.confirmRevokeButton }).click();
    await this.root.getByRole('alertdialog').waitFor({ state: 'detached' });
  }
}
