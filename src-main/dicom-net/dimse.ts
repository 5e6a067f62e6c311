// dcmjs-dimse, loaded once for the app: it logs every PDU to the console at its default level,
// so it is silenced here and the app logs what matters itself.
import dimse from 'dcmjs-dimse';

dimse.log.setLevel('silent');

export default dimse;
