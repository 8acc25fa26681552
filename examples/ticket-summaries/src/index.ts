export { type Summary, summarizeTickets, type Ticket } from './summarize-tickets';
