import os; print('sitecustomize from /work in pid', os.getpid(), flush=True)
