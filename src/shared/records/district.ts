// The residence district (Sozialraum / Stadtteil) a record names, for
// small-area reports (docs/INDICATORS.md). An id from the municipality's
// configured list (DeviceConfig.districts); the server refuses an unknown id.
// Optional: a family may not want to say, and older records have none.
import { z } from 'zod';

export const districtIdSchema = z.string({ error: 'invalidDistrict' }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidDistrict' });

/** Spread into a content schema: `{ ...districtField, … }`. */
export const districtField = { district: districtIdSchema.optional() };
