// A password or passphrase field of the warm handover (the partner's key
// setup and the opening of a call-back request use the same one).
/**
 * A password or passphrase field with its label (and hint). autocomplete="off": the browser is not
 * invited to store it — an office or tablet browser may be shared (THREAT-MODEL.md, "Offline unlock").
 */
export function SecretField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
}) {
  const { id, label, hint, value, onChange, invalid } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        value={value}
        aria-invalid={invalid}
        {...(hint === undefined ? {} : { 'aria-describedby': `${id}-hint` })}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      {hint !== undefined && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
