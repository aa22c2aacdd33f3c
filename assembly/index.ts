// The Wasm core's exported entry points, and nothing else.
// Every export takes pointers and lengths into linear memory; none knows of Arrow, workers or the DOM.

export { alloc, free } from './memory';
export { internerNew, internerFree, internerCount, internUtf8, remapIds } from './intern';
export { i64ToI32, ticksToDays, maskNulls, rebaseOffsets, compactList, sexFromInt } from './convert';
export { unitSummary, deriveLos, pairIds } from './aggregate';
export { drgTablesWords, drgTablesInit, drgTablesRelease } from './rule-tables';
export { drgCasesWords, drgOutWords, drgGroup } from './drg-grouper';
export { dipTablesWords, dipTablesRelease, dipCasesWords, dipOutWords, dipGroup } from './dip-grouper';
export { pricingParamWords, pricingScalarSlots, pricingCaseWords, pricingRowWords, pricingAggregateFields, pricingResolve, pricingRows, pricingAggregate, pricingCaseSums, pricingRatioHistogram } from './pricing';
export { evalLayout, evalLayout2, periodCode, evalDrgSums, evalSliceIds, evalSliceSums } from './evaluation';
