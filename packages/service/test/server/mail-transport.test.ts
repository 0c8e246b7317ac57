/**
 * Mail on the wire, through a real SMTP server on 127.0.0.1: plain text and HTML with the user's
 * input escaped, the From, and headers no input can add to — a recipient or subject with line
 * breaks never reaches another address or becomes a header. And the printed line's format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailLine, MailRefused, smtpTransport, type MailTransport } from '../../src/service/mail/transport';
import { passwordChangedMail, resetMail, signUpAttemptMail, verificationMail, type Mail } from '../../src/service/mail/templates';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver';
import { parseMailLine } from '../helpers/mail-lines';

let smtp: SmtpReceiver;
let transport: MailTransport;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  transport = smtpTransport(smtp.url, 'Cutline <no-reply@cutline.test>');
});
afterAll(async () => {
  transport.close();
  await smtp.close();
});

const LINK = 'https://credits.example.com/reset?token=abc_DEF-123';

describe('mail over SMTP', () => {
  it('sends text and HTML, the link in both, from the configured address', async () => {
    await transport.send(resetMail('ann@example.test', LINK, 30));
    const [m] = await smtp.waitFor((x) => x.rcptTo.includes('ann@example.test'));
    expect(m.from).toBe('no-reply@cutline.test');
    expect(m.subject).toBe('Reset your Cutline password');
    expect(m.text).toContain(`Set a new password: ${LINK}`);
    expect(m.text).toContain('30 minutes');
    expect(m.html).toContain(`href="${LINK}"`);
  });

  it('a recipient with a line break, or a second address beside it, is refused: nothing is sent anywhere', async () => {
    for (const to of ['victim@example.test\r\nBcc: evil@example.test', 'victim@example.test\nBcc: evil@example.test', 'victim@example.test, evil@example.test', 'Victim <evil@example.test>', 'a b@example.test']) {
      await expect(transport.send({ ...resetMail('x@example.test', LINK, 30), to })).rejects.toBeInstanceOf(MailRefused);
    }
    await transport.send(resetMail('after@example.test', LINK, 30)); // a marker: everything before it was handled
    await smtp.waitFor((x) => x.rcptTo.includes('after@example.test'));
    expect(smtp.mails.filter((x) => x.rcptTo.some((r) => /evil|victim/.test(r)))).toEqual([]);
  });

  it('a subject with line breaks stays one line: no header is added, nobody else receives it', async () => {
    const mail: Mail = { ...resetMail('bob@example.test', LINK, 30), subject: 'Hello\r\nBcc: evil@example.test\r\nX-Injected: yes\nSubject: other' };
    await transport.send(mail);
    const [m] = await smtp.waitFor((x) => x.rcptTo.includes('bob@example.test'));
    expect(m.rcptTo).toEqual(['bob@example.test']);
    expect(m.headerNames).not.toContain('bcc');
    expect(m.headerNames).not.toContain('x-injected');
    expect(m.rawHeaders).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(m.subject).toBe('Hello Bcc: evil@example.test X-Injected: yes Subject: other');
  });
});

describe('templates', () => {
  it('every mail has text, HTML and the link it carries; input is escaped in the HTML', () => {
    const odd = "o'neil&co@example.test";
    for (const mail of [verificationMail(odd, LINK, 7), signUpAttemptMail(odd, LINK), resetMail(odd, LINK, 30), passwordChangedMail(odd, LINK)]) {
      expect(mail.link).toBe(LINK);
      expect(mail.text).toContain(LINK);
      expect(mail.text).toContain(odd);
      expect(mail.html).toContain('o&#39;neil&amp;co@example.test');
      expect(mail.html).not.toContain(odd);
    }
    const evilLink = 'https://x.test/"><script>alert(1)</script>';
    expect(resetMail('a@example.test', evilLink, 30).html).not.toContain('<script>');
  });
});

describe('the printed line', () => {
  it('is `cutline-mail to=<address> subject="…" link=<link>`, one line whatever the subject holds', () => {
    const line = mailLine({ ...verificationMail('ann@example.test', LINK, 7), subject: 'Say "hi"\r\nBcc: x' });
    expect(line).toBe(`cutline-mail to=ann@example.test subject="Say \\"hi\\" Bcc: x" link=${LINK}`);
    expect(line).not.toMatch(/[\r\n]/);
    expect(parseMailLine(line)).toEqual({ to: 'ann@example.test', subject: 'Say "hi" Bcc: x', link: LINK });
    expect(() => mailLine({ ...verificationMail('ann@example.test', LINK, 7), to: 'a@example.test\nb@example.test' })).toThrow(MailRefused);
  });
});
