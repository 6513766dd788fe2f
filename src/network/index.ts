/** @module network — the tie graph, warm-introduction paths, brokers and contact lists (../docs/network.md). */
export { buildCsr, EdgeList, Interner, kindNames, tieCost, KIND_COAUTHOR, KIND_CONTACT, KIND_MENTOR, type TieGraph } from './csr.ts';
export { PathFinder, comparePaths, type FoundPath } from './path-finder.ts';
export { tieGraphFor, invalidateTieGraphs, updateKeptTieGraph } from './tie-graph-cache.ts';
export { buildTieGraph, meNode, resolveTieParams, DEFAULT_TIE_PARAMS, MENTOR_WEIGHT, type TieParams, type ResolvedTieParams } from './tie-graph.ts';
export { tieEvidence, type Evidence } from './evidence.ts';
export { introPaths, nodeNames, DEFAULT_INTRO, type IntroOptions, type IntroResult, type IntroPath, type IntroHop } from './intro-paths.ts';
export { brokers, rankBrokers, type BrokerRow, type BrokersOptions, type BrokersResult } from './brokers.ts';
export { importContacts, importContactsText, parseContactsCsv, describeProblems, type ContactsImportResult } from './contacts-import.ts';
export { edgeRows } from './edge-rows.ts';
