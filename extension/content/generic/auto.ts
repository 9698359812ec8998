// Registered for the sites the user enabled: decrypts from the page's load on.
import { boot } from './app';

boot(true);
