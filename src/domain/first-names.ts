// The given names the personal-data detector knows beyond its own short list:
// first names of children born in Berlin 2012–2023, as the register offices
// published them (src/domain/given-names/README.md: source, licence, how it is built).
// Loaded on first use: the tablet fetches the file only when a form shows the
// personal-data hint, the server once at start.
let loading: Promise<ReadonlySet<string>> | undefined;

export function loadFirstNames(): Promise<ReadonlySet<string>> {
  loading ??= import('./given-names/first-names.json').then((module) => new Set<string>(module.default));
  return loading;
}
