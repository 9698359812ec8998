// Injected into one tab for one request (activeTab); it waits for the background's instruction.
import { boot } from './app';

boot(false);
