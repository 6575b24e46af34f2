import type { EmulatorState, StoredRequirement } from './state.ts';

const LOCALE_ID = '00000000000000000071';

/** The worker's value for a qualification: test-set system values, else a granted qualification. */
function workerValue(state: EmulatorState, workerId: string, typeId: string): number | undefined {
  return state.workers.get(workerId)?.values[typeId] ?? state.grants.get(typeId)?.get(workerId)?.value;
}

/** Whether the worker satisfies one QualificationRequirement, with MTurk's comparator semantics. */
export function meetsRequirement(state: EmulatorState, workerId: string, r: StoredRequirement): boolean {
  if (r.QualificationTypeId === LOCALE_ID) {
    const locale = state.workers.get(workerId)?.locale;
    const inList =
      !!locale && (r.LocaleValues ?? []).some((l) => l.Country === locale.Country && (!l.Subdivision || l.Subdivision === locale.Subdivision));
    if (r.Comparator === 'In' || r.Comparator === 'EqualTo') return inList;
    if (r.Comparator === 'NotIn' || r.Comparator === 'NotEqualTo') return !!locale && !inList;
    return r.Comparator === 'Exists' ? !!locale : !locale;
  }
  const value = workerValue(state, workerId, r.QualificationTypeId);
  if (r.Comparator === 'DoesNotExist') return value === undefined;
  if (value === undefined) return false;
  const values = r.IntegerValues ?? [];
  const first = values[0] ?? 0;
  switch (r.Comparator) {
    case 'Exists':
      return true;
    case 'LessThan':
      return value < first;
    case 'LessThanOrEqualTo':
      return value <= first;
    case 'GreaterThan':
      return value > first;
    case 'GreaterThanOrEqualTo':
      return value >= first;
    case 'EqualTo':
    case 'In':
      return values.includes(value);
    case 'NotEqualTo':
    case 'NotIn':
      return !values.includes(value);
    default:
      return false;
  }
}
