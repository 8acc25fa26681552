export { summarizeTickets, type Summary, type Ticket } from './summarize-tickets';
