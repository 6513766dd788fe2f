/**
 * @module economics — compensation bands from the aijobs.net salary survey, price levels (World Bank PPP, Big Mac),
 * pay gaps between where researchers work and where they come from, and the cost of a diaspora subsidy.
 * See docs/economics.md for methods, fallback ladder and sources.
 */
export { compensationBand, bandBasis, FALLBACK_LADDER, MIN_ROWS, SALARY_SOURCE, parseLevel, parseFamily, economicsCountry } from './bands.ts';
export type { BandParams, BandFilters, CompensationBand } from './bands.ts';
export { estimateGap, personGap, gapFromFacts, careerFacts, levelFromCareerAge, careerAgeOf } from './gap.ts';
export type { GapOptions, GapEstimate, PersonGap, PayEstimate, AdjustedGap, CareerFacts } from './gap.ts';
export { subsidyPlan, yearlySubsidy, validateSubsidyOptions, SENSITIVITY_SHARES } from './subsidy.ts';
export type { SubsidyOptions, SubsidyPlan, SubsidyLine, ExclusionReason } from './subsidy.ts';
export { priceLevel, pppFactor, marketFx, currencyOf, toInternational } from './price-levels.ts';
export type { Adjustment, PriceLevel } from './price-levels.ts';
export { quartiles, quantileSorted } from './quantiles.ts';
export type { Quartiles } from './quantiles.ts';
export { ROLE_FAMILIES, ROLE_RULES, ROLE_GROUPS, roleFamily, roleGroup } from './role-families.ts';
export type { RoleFamily } from './role-families.ts';
export { LEVELS, salaryRows, defaultSalaryYear } from './salary-data.ts';
export type { Level, SalaryRow } from './salary-data.ts';
