# The security log is read on /work/integrity/, not in the back office: nobody
# edits it, and the back office is where records managers change things.
