import { z } from 'zod';

/** MTurk system qualification type ids (MTURK.md §3, "System and Masters qualification type IDs"). */
export const SYSTEM_QUALIFICATION_IDS = {
  locale: '00000000000000000071',
  approvalRate: '000000000000000000L0',
  numberApproved: '00000000000000000040',
} as const;

/** Masters ids differ between marketplaces: a production id in the sandbox matches nobody. */
export const MASTERS_QUALIFICATION_IDS = {
  production: '2F1QJWKUDD8XADTFD2Q0G6UTO95ALH',
  sandbox: '2ARFPLSP75KLA8M8DH1HTEQVJT3SY6',
} as const;

/** Friendly worker-eligibility config a project stores. */
export const qualificationConfigSchema = z.object({
  /** ISO 3166 country codes, optionally "US-WA" for a subdivision. */
  locales: z.array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/)).optional(),
  minApprovalRatePercent: z.number().int().min(0).max(100).optional(),
  minApprovedCount: z.number().int().min(0).optional(),
  /** Our own qualification (e.g. a qualification-test score). */
  ownQualification: z.object({ typeId: z.string().min(1), minScore: z.number().int() }).optional(),
  /** Workers holding this qualification are excluded (soft block that does not hurt their account). */
  blockedQualificationTypeId: z.string().min(1).optional(),
  masters: z.enum(['production', 'sandbox']).optional(),
});
/** Validated eligibility config. */
export type QualificationConfig = z.infer<typeof qualificationConfigSchema>;

/** One QualificationRequirement as CreateHIT takes it. */
export interface QualificationRequirement {
  QualificationTypeId: string;
  Comparator: 'GreaterThanOrEqualTo' | 'In' | 'Exists' | 'DoesNotExist';
  IntegerValues?: number[];
  LocaleValues?: { Country: string; Subdivision?: string }[];
  ActionsGuarded: 'Accept';
}

/**
 * Translates the friendly config into CreateHIT QualificationRequirements.
 * ActionsGuarded "Accept" lets workers preview but not accept, so ineligible workers see why.
 */
export function buildQualificationRequirements(config: QualificationConfig): QualificationRequirement[] {
  const c = qualificationConfigSchema.parse(config);
  const out: QualificationRequirement[] = [];
  const atLeast = (typeId: string, value: number): QualificationRequirement => ({
    QualificationTypeId: typeId,
    Comparator: 'GreaterThanOrEqualTo',
    IntegerValues: [value],
    ActionsGuarded: 'Accept',
  });
  if (c.locales?.length) {
    out.push({
      QualificationTypeId: SYSTEM_QUALIFICATION_IDS.locale,
      Comparator: 'In',
      LocaleValues: c.locales.map((code) => {
        const [Country, Subdivision] = code.split('-') as [string, string | undefined];
        return Subdivision ? { Country, Subdivision } : { Country };
      }),
      ActionsGuarded: 'Accept',
    });
  }
  if (c.minApprovalRatePercent !== undefined) out.push(atLeast(SYSTEM_QUALIFICATION_IDS.approvalRate, c.minApprovalRatePercent));
  if (c.minApprovedCount !== undefined) out.push(atLeast(SYSTEM_QUALIFICATION_IDS.numberApproved, c.minApprovedCount));
  if (c.ownQualification) out.push(atLeast(c.ownQualification.typeId, c.ownQualification.minScore));
  if (c.blockedQualificationTypeId) {
    out.push({ QualificationTypeId: c.blockedQualificationTypeId, Comparator: 'DoesNotExist', ActionsGuarded: 'Accept' });
  }
  if (c.masters) out.push({ QualificationTypeId: MASTERS_QUALIFICATION_IDS[c.masters], Comparator: 'Exists', ActionsGuarded: 'Accept' });
  return out;
}
