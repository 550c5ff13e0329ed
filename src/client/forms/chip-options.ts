// Chip options from a fixed list of stored values and a label for each: the
// value is what the record keeps, the label what the person sees.
import type { ChipOption } from './ChoiceChips';

export function chipOptions<V extends string>(values: readonly V[], label: (value: V) => string): ChipOption[] {
  return values.map((value) => ({ value, label: label(value) }));
}
