// Twilio's quickstart shape: Express 5 + express.urlencoded + twilio.webhook() validating the signature.
import express from 'express'
import twilio from 'twilio'
import { AUTH_TOKEN, PUBLIC_URL, serveBench } from '../lib.js'

const TWIML = process.env.BENCH_TWIML
const app = express()
app.use(express.urlencoded({ extended: false }))
app.post('/sms', twilio.webhook(AUTH_TOKEN, { url: `${PUBLIC_URL}/sms` }), (req, res) => {
  res.type('text/xml').send(TWIML)
})
const server = app.listen(0, '127.0.0.1', () => {
  serveBench(server.address().port, () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
})
