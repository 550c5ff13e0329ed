// Page object for the office area (administration and coordination, online
// only). Texts come from the German locale file, so tests follow the wording.
import type { Locator, Page } from 'playwright-core';
import office from '../../../locales/de/office.json';
import common from '../../../locales/de/common.json';
import type { OrganisationKind } from '@shared/staff-api';
import type { Role } from '@shared/protocol';

export { office };

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

  async signIn(username: string, password: string): Promise<void> {
    await this.submitSignIn(username, password);
    await this.signOutButton().waitFor();
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
