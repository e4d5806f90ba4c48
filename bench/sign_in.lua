-- wrk script: POST a correct sign-in (form-encoded) to /api/sign_in.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "email=bench%40example.org&password=benchmark+password+123"
