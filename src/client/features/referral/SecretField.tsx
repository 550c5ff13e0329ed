// A password or passphrase field of the warm handover (the partner's key
// setup and the opening of a call-back request use the same one).
/** A password or passphrase field with its label (and hint): never autofilled into anything but itself. */
export function SecretField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  autoComplete: 'new-password' | 'current-password';
}) {
  const { id, label, hint, value, onChange, invalid, autoComplete } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
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
