export { sweepSessions } from './retention/session-retention';
export { type Begin, type CachedTurn, type Committed, type Entry, type SessionSettings, SessionState, type SessionStateOptions } from './state/session-state';
export { type HistoryTurn, type NewSession, SessionRepository, type SessionRow, type WrittenTurn } from './store/session-repository';
export { SessionTurnWriter, type SessionTurnWriterOptions } from './store/session-turn-writer';
export { assistantTurnMessage, type PreparedTurn, SessionTurns, type SessionTurnsOptions } from './turns/session-turns';
export { fixedTokens, turnTokens } from './window/count-window-tokens';
export { cutWindow, dropPoints, type StoredTurn, WINDOW_LOW_WATER, type WindowCut, type WindowInput, type WindowLimits } from './window/cut-window';
